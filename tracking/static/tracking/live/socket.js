/*
 * The WebSocket to /ws/requests/<id>/ that the customer's page follows, kept open for as long
 * as the page is: a dropped socket is reopened with exponential backoff, a silent one is found
 * out by pings, and a refusal (4401/4403/4404) is final. What the messages mean is the
 * watcher's business (watch.js); this module only keeps the line up and says how it is doing.
 */

// The server's refusals: reconnecting would only be refused again, so the reason is shown instead.
var CLOSE_FINAL = {
  4401: "You are signed out: log in again to follow this request live.",
  4403: "This account is blocked.",
  4404: "This request can no longer be followed here.",
};
var BACKOFF_FIRST_MS = 1000;
var BACKOFF_MAX_MS = 30000;
// A socket that says nothing for this long (not even a pong) is presumed dead.
var PING_EVERY_MS = 25000;

/*
 * createLiveSocket({ path, say, onMessage }) -> { connect, stop }
 *
 * `say(text)` shows the connection's state to the user; `onMessage(message)` gets each parsed
 * JSON message (unparsable ones are dropped). Nothing is opened until `connect()`, so the
 * caller can render the page first; `stop(reason)` closes for good and says why.
 */
export function createLiveSocket(options) {
  var socket = null;
  var attempts = 0;
  var retryTimer = null;
  var pingTimer = null;
  var heardSincePing = true;
  var finished = false;

  function connect() {
    retryTimer = null;
    if (finished) {
      return;
    }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var opened = new WebSocket(scheme + window.location.host + options.path);
    socket = opened;
    options.say("Connecting…");
    opened.onopen = function () {
      heardSincePing = true;
      pingTimer = window.setInterval(ping, PING_EVERY_MS);
    };
    opened.onmessage = function (event) {
      heardSincePing = true;
      if (attempts) {
        attempts = 0;
      }
      // Said before the message is handled: a message can end live updates, and its
      // "ended" wording must not then be overwritten by "Live".
      options.say("Live");
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      options.onMessage(message);
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
    options.say("Connection lost; reconnecting in " + Math.ceil(delay / 1000) + " s…");
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
    options.say(reason);
  }

  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      reconnectNow();
    }
  });

  return { connect: connect, stop: stop };
}
