/*
 * The assigned professional ("share") sends the phone's position: watchPosition fills a buffer
 * that is posted to the locations API in small batches, with the page's CSRF token (the API's
 * session authentication enforces CSRF). The first fix goes at once, later ones at most every
 * few seconds or as soon as a few have gathered. A 409 means the job is over, so sharing stops.
 * Sharing survives the page reloading after a transition ("Start: on my way") through
 * sessionStorage.
 */
import { checkArrival } from "./arrival.js";
import { byId, setVisible } from "./page.js";

var BATCH_POINTS = 5;
var SEND_EVERY_MS = 5000;
// Kept while offline; beyond this the oldest go (the API takes up to 500 in one batch).
var BUFFER_MAX = 300;
var MAX_ACCURACY_METRES = 100000;

/*
 * share(config): `config` is the page's whole live-config (the request id keys the remembered
 * sharing state); `config.share` holds the locations API's URL.
 */
export function share(config) {
  var settings = config.share;
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
  // Each point's own id (the API's client_id): a batch sent again after a lost answer is then
  // recognised point by point and adds nothing. Random per page, then counted.
  var clientPrefix = Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  var pointNumber = 0;
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
    checkArrival(settings, coords.latitude, coords.longitude);
    buffer.push({
      latitude: Number(coords.latitude.toFixed(6)),
      longitude: Number(coords.longitude.toFixed(6)),
      accuracy: Math.round(coords.accuracy),
      recorded_at: new Date(moment).toISOString(),
      client_id: clientPrefix + "-" + (pointNumber += 1),
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
