/*
 * The customer ("watch") follows the request live: the status badge follows `status` messages,
 * the "Live position" panel `location` ones (the server sends those only while the request is
 * en route or on site). The connection itself is socket.js's.
 */
import { byId, setVisible } from "./page.js";
import { distanceKm, formatAge, formatDistance } from "./format.js";
import { createLiveMap, renderEta } from "./map.js";
import { createLiveSocket } from "./socket.js";

// Nothing more will happen to a request in these: the socket is closed rather than kept open.
var FINAL_STATUSES = ["closed", "cancelled"];

/*
 * watch(config): `config` is the page's whole live-config (the status labels and the statuses
 * with a live position are shared with the sharing side); `config.watch` holds the socket path,
 * the request's position (`target`) and the last known point.
 */
export function watch(config) {
  var settings = config.watch;
  var panel = byId("live-position");
  var connection = byId("live-connection");
  // The status the page was rendered for, whose buttons are on it; `status` is the latest one.
  var renderedStatus = config.status;
  var status = config.status;
  var point = settings.point;
  var target = settings.target;

  function statusLabel(value) {
    return config.statusLabels[value] || value;
  }

  function isTrackable(value) {
    return config.trackableStatuses.indexOf(value) >= 0;
  }

  function renderPoint() {
    setVisible(panel, isTrackable(status));
    setVisible(byId("live-waiting"), !point);
    setVisible(byId("live-facts"), !!point);
    setVisible(byId("live-links"), !!point);
    if (!point) {
      return;
    }
    var position = { latitude: parseFloat(point.latitude), longitude: parseFloat(point.longitude) };
    var latitude = position.latitude.toFixed(6);
    var longitude = position.longitude.toFixed(6);
    var accuracy = point.accuracy === null || point.accuracy === undefined ? "" : " (±" + point.accuracy + " m)";
    byId("live-coords").textContent = latitude + ", " + longitude + accuracy;
    byId("live-distance").textContent = target
      ? formatDistance(distanceKm(target, position)) + " from the request's position"
      : "—";
    byId("live-geo").href = "geo:" + latitude + "," + longitude;
    byId("live-osm").href =
      "https://www.openstreetmap.org/?mlat=" + latitude + "&mlon=" + longitude +
      "#map=16/" + latitude + "/" + longitude;
    renderAge();
  }

  function renderAge() {
    if (!point) {
      return;
    }
    var seconds = Math.max(0, Math.round((Date.now() - Date.parse(point.recorded_at)) / 1000));
    byId("live-age").textContent = formatAge(seconds);
  }

  function statusChanged(newStatus) {
    status = newStatus;
    var badge = byId("status");
    if (badge) {
      badge.textContent = statusLabel(newStatus);
      badge.className = "badge status-" + newStatus;
    }
    if (!isTrackable(newStatus)) {
      // The server stops sending positions; do not leave an old one on screen.
      point = null;
    }
    renderPoint();
    var notice = byId("live-notice");
    var actions = byId("actions");
    var changed = newStatus !== renderedStatus;
    // The buttons on the page were right for the old status: hide them until a reload.
    setVisible(actions, !changed);
    setVisible(notice, changed);
    if (changed) {
      notice.textContent = "This request is now " + statusLabel(newStatus).toLowerCase() + ". ";
      var reload = document.createElement("a");
      reload.href = window.location.pathname;
      reload.textContent = "Reload to see what you can do now";
      notice.appendChild(reload);
    }
    if (FINAL_STATUSES.indexOf(newStatus) >= 0) {
      live.stop("Live updates ended.");
    }
  }

  function received(message) {
    if (message.type === "status") {
      statusChanged(message.status);
    } else if (message.type === "location" && isTrackable(status)) {
      point = message.point;
      renderPoint();
      liveMap.move(point);
      renderEta(message.eta);
    }
  }

  var liveMap = createLiveMap(settings);
  // Created (listeners in place) before the page is rendered, but opened only after, as before.
  var live = createLiveSocket({
    path: settings.socketPath,
    say: function (text) {
      connection.textContent = text;
    },
    onMessage: received,
  });
  window.setInterval(renderAge, 1000);
  renderPoint();
  live.connect();
}
