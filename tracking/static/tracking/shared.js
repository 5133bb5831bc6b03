/*
 * The page of a shared tracking link (templates/tracking/shared.html): the map of the
 * professional's position (map.js) and the ETA, polled from the link's data.json every
 * POLL_MS. A 410 means the link was revoked or the job is over: polling stops and says so.
 */
import { createLiveMap, renderEta } from "./live/map.js";
import { byId } from "./live/page.js";

var POLL_MS = 5000;
var config = JSON.parse(byId("shared-config").textContent);
var liveMap = createLiveMap({ point: config.data.point, target: null, trail: [], map: config.map || {} });
var timer = null;

function render(data) {
  var badge = byId("status");
  badge.textContent = data.status_label;
  badge.className = "badge status-" + data.status;
  if (data.point) {
    liveMap.move(data.point);
  }
  renderEta(data.eta);
}

function poll() {
  fetch(config.dataUrl, { headers: { Accept: "application/json" }, credentials: "omit" })
    .then(function (response) {
      if (response.status === 410) {
        window.clearInterval(timer);
        byId("shared-state").textContent = "This tracking link no longer works: the job is over.";
        return null;
      }
      return response.ok ? response.json() : null;
    })
    .then(function (data) {
      if (data) {
        render(data);
      }
    })
    .catch(function () {
      byId("shared-state").textContent = "Connection lost, retrying…";
    });
}

timer = window.setInterval(poll, POLL_MS);
