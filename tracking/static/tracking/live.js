/*
 * Live tracking on a request's page (templates/requests_app/detail.html). Plain JS, nothing
 * loaded from elsewhere; the page hands its settings over in <script id="live-config">.
 *
 * - The customer ("watch") follows the request over the WebSocket /ws/requests/<id>/: the
 *   status badge follows `status` messages, the "Live position" panel `location` ones (the
 *   server sends those only while the request is en route or on site). A dropped socket is
 *   reopened with exponential backoff; a refusal (4401/4403/4404) is final.
 * - The assigned professional ("share") sends the phone's position: watchPosition fills a
 *   buffer that is posted to the locations API in small batches, with the page's CSRF token
 *   (the API's session authentication enforces CSRF). The first fix goes at once, later ones at
 *   most every few seconds or as soon as a few have gathered. A 409 means the job is over, so
 *   sharing stops. Sharing survives the page reloading after a transition ("Start: on my way")
 *   through sessionStorage.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("live-config");
  if (!configElement) {
    return;
  }
  var config = JSON.parse(configElement.textContent);

  function byId(id) {
    return document.getElementById(id);
  }

  function setVisible(element, visible) {
    if (element) {
      element.hidden = !visible;
    }
  }

  function statusLabel(status) {
    return config.statusLabels[status] || status;
  }

  function isTrackable(status) {
    return config.trackableStatuses.indexOf(status) >= 0;
  }

  // --- Geometry and wording ---------------------------------------------------------------

  function distanceKm(from, to) {
    var radians = Math.PI / 180;
    var lat1 = from.latitude * radians;
    var lat2 = to.latitude * radians;
    var dLat = lat2 - lat1;
    var dLng = (to.longitude - from.longitude) * radians;
    var a =
      Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
    return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function formatDistance(km) {
    return km < 1 ? Math.round(km * 1000) + " m" : km.toFixed(1) + " km";
  }

  function formatAge(seconds) {
    if (seconds < 60) {
      return seconds + " s ago";
    }
    if (seconds < 3600) {
      return Math.floor(seconds / 60) + " min ago";
    }
    return Math.floor(seconds / 3600) + " h ago";
  }

  // --- The customer: follow the request ---------------------------------------------------

  var CLOSE_FINAL = {
    4401: "You are signed out: log in again to follow this request live.",
    4403: "This account is blocked.",
    4404: "This request can no longer be followed here.",
  };
  var FINAL_STATUSES = ["closed", "cancelled"];
  var BACKOFF_FIRST_MS = 1000;
  var BACKOFF_MAX_MS = 30000;
  // A socket that says nothing for this long (not even a pong) is presumed dead.
  var PING_EVERY_MS = 25000;

  function watch(settings) {
    var panel = byId("live-position");
    var connection = byId("live-connection");
    var renderedStatus = config.status;
    var status = config.status;
    var point = settings.point;
    var target = settings.target;
    var socket = null;
    var attempts = 0;
    var retryTimer = null;
    var pingTimer = null;
    var heardSincePing = true;
    var finished = false;

    function say(text) {
      connection.textContent = text;
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
        stop("Live updates ended.");
      }
    }

    function received(message) {
      if (message.type === "status") {
        statusChanged(message.status);
      } else if (message.type === "location" && isTrackable(status)) {
        point = message.point;
        renderPoint();
      }
    }

    function connect() {
      retryTimer = null;
      if (finished) {
        return;
      }
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var opened = new WebSocket(scheme + window.location.host + settings.socketPath);
      socket = opened;
      say("Connecting…");
      opened.onopen = function () {
        heardSincePing = true;
        pingTimer = window.setInterval(ping, PING_EVERY_MS);
      };
      opened.onmessage = function (event) {
        heardSincePing = true;
        if (attempts) {
          attempts = 0;
        }
        say("Live");
        var message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        received(message);
      };
      opened.onclose = function (event) {
        if (socket !== opened) {
          return; // already given up on and replaced
        }
        dropped(CLOSE_FINAL[event.code]);
      };
    }

    function ping() {
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        return;
      }
      if (!heardSincePing) {
        // No answer to the last ping: the connection is gone without a close (a phone
        // changing networks). close() might wait a long time for the handshake; do not.
        var dead = socket;
        dropped();
        dead.close();
        return;
      }
      heardSincePing = false;
      socket.send(JSON.stringify({ type: "ping" }));
    }

    function dropped(finalReason) {
      socket = null;
      window.clearInterval(pingTimer);
      if (finished) {
        return;
      }
      if (finalReason) {
        stop(finalReason);
        return;
      }
      // Exponential backoff with jitter, so a restarted server is not hit by every phone at once.
      var delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * Math.pow(2, attempts));
      delay = Math.round(delay * (0.5 + Math.random() / 2));
      attempts += 1;
      say("Connection lost; reconnecting in " + Math.ceil(delay / 1000) + " s…");
      retryTimer = window.setTimeout(connect, delay);
    }

    function reconnectNow() {
      // Back on the network, or back to the page: no need to wait for the backoff.
      if (retryTimer !== null && !finished) {
        window.clearTimeout(retryTimer);
        connect();
      }
    }

    function stop(reason) {
      finished = true;
      window.clearInterval(pingTimer);
      if (retryTimer !== null) {
        window.clearTimeout(retryTimer);
        retryTimer = null;
      }
      if (socket) {
        var open = socket;
        socket = null;
        open.close();
      }
      say(reason);
    }

    window.addEventListener("online", reconnectNow);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        reconnectNow();
      }
    });
    window.setInterval(renderAge, 1000);
    renderPoint();
    connect();
  }

  // --- The professional: share the phone's position --------------------------------------

  var BATCH_POINTS = 5;
  var SEND_EVERY_MS = 5000;
  // Kept while offline; beyond this the oldest go (the API takes up to 500 in one batch).
  var BUFFER_MAX = 300;
  var MAX_ACCURACY_METRES = 100000;

  function share(settings) {
    var toggle = byId("share-toggle");
    var stateText = byId("share-state");
    var sentText = byId("share-sent");
    var errorText = byId("share-error");
    var csrfToken = byId("share-form").elements.csrfmiddlewaretoken.value;
    var storageKey = "householdsvc.sharing." + config.requestId;
    var watchId = null;
    var tick = null;
    var buffer = [];
    var lastMoment = null;
    var sending = false;
    var lastSentAt = 0;

    function remember(on) {
      try {
        if (on) {
          window.sessionStorage.setItem(storageKey, "1");
        } else {
          window.sessionStorage.removeItem(storageKey);
        }
      } catch (error) {
        // Private mode without storage: sharing just does not survive a reload.
      }
    }

    function remembered() {
      try {
        return window.sessionStorage.getItem(storageKey) === "1";
      } catch (error) {
        return false;
      }
    }

    function showError(text) {
      errorText.textContent = text || "";
      setVisible(errorText, !!text);
    }

    function sharing() {
      return watchId !== null;
    }

    function start() {
      showError("");
      if (!navigator.geolocation) {
        showError("This browser cannot share a location.");
        return;
      }
      watchId = navigator.geolocation.watchPosition(positioned, failed, {
        enableHighAccuracy: true,
        // A fresh fix: an old cached one may predate setting off, which the customer never sees.
        maximumAge: 0,
        timeout: 30000,
      });
      tick = window.setInterval(function () {
        send(false);
      }, 1000);
      remember(true);
      toggle.textContent = "Stop sharing";
      toggle.setAttribute("aria-pressed", "true");
      stateText.textContent = "Sharing your location…";
    }

    function stop(reason) {
      if (watchId !== null) {
        navigator.geolocation.clearWatch(watchId);
      }
      watchId = null;
      window.clearInterval(tick);
      remember(false);
      toggle.textContent = "Share my location";
      toggle.setAttribute("aria-pressed", "false");
      stateText.textContent = reason || "Not sharing.";
    }

    function positioned(position) {
      var coords = position.coords;
      var moment = position.timestamp || Date.now();
      if (moment === lastMoment || !(coords.accuracy <= MAX_ACCURACY_METRES)) {
        return; // the same fix again, or one too vague to tell anyone where you are
      }
      lastMoment = moment;
      buffer.push({
        latitude: Number(coords.latitude.toFixed(6)),
        longitude: Number(coords.longitude.toFixed(6)),
        accuracy: Math.round(coords.accuracy),
        recorded_at: new Date(moment).toISOString(),
      });
      if (buffer.length > BUFFER_MAX) {
        buffer.splice(0, buffer.length - BUFFER_MAX);
      }
      send(false);
    }

    function failed(error) {
      if (error.code === error.PERMISSION_DENIED) {
        stop("Not sharing.");
        showError(
          window.isSecureContext
            ? "Location permission denied: allow this site to use your location in the browser's settings, then share again."
            : "Location sharing needs a secure (https) connection."
        );
      } else if (error.code === error.TIMEOUT) {
        showError("Still waiting for a GPS fix…");
      } else {
        showError("Your position is unavailable right now; still trying.");
      }
    }

    function due() {
      return buffer.length >= BATCH_POINTS || Date.now() - lastSentAt >= SEND_EVERY_MS;
    }

    function send(leaving) {
      if (sending || !buffer.length || !(leaving || due())) {
        return;
      }
      var batch = buffer.slice(0, 100);
      sending = true;
      lastSentAt = Date.now();
      fetch(settings.locationsUrl, {
        method: "POST",
        credentials: "same-origin",
        // Lets the last batch finish when the page goes away (a transition's form reloads it).
        keepalive: leaving,
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken,
        },
        body: JSON.stringify({ points: batch }),
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (body) {
              answered(response.status, body, batch);
            });
        })
        .catch(function () {
          showError("No connection: your positions are kept and sent when you are back online.");
        })
        .then(function () {
          sending = false;
        });
    }

    function forget(batch) {
      buffer = buffer.filter(function (point) {
        return batch.indexOf(point) < 0;
      });
    }

    function answered(status, body, batch) {
      var detail = body && body.detail ? body.detail : "";
      if (status === 201) {
        forget(batch);
        showError("");
        sentText.textContent =
          "Last sent " + new Date().toLocaleTimeString() + " (" + batch.length +
          (batch.length === 1 ? " position)." : " positions).");
        setVisible(sentText, true);
        return;
      }
      if (status === 409) {
        buffer = [];
        stop("Sharing stopped: the job is over.");
        showError(detail);
        return;
      }
      if (status === 400) {
        forget(batch); // the same points would be refused again
        showError("Some positions were refused. " + detail);
        return;
      }
      if (status === 401 || status === 403 || status === 404) {
        buffer = [];
        stop("Sharing stopped.");
        showError(detail || "You may not share your position on this request.");
        return;
      }
      showError("Could not send your position (" + status + "); trying again.");
    }

    toggle.addEventListener("click", function () {
      if (sharing()) {
        send(true);
        stop("Not sharing.");
      } else {
        start();
      }
    });
    window.addEventListener("pagehide", function () {
      if (sharing()) {
        send(true);
      }
    });
    if (remembered()) {
      start();
    }
  }

  if (config.watch) {
    watch(config.watch);
  }
  if (config.share) {
    share(config.share);
  }
})();
