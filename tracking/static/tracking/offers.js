/*
 * The professional's offers page (templates/requests_app/offers.html), live: the socket
 * /ws/offers/ (tracking/offers_consumer.py) sends a snapshot of their live offers on connect,
 * then each new offer and each one that closes; every card counts down to its expiry and goes
 * when it is over. Without JavaScript the server-rendered list is the page.
 *
 * Everything shown is set with textContent: nothing from a message is parsed as HTML.
 */
import { createLiveSocket } from "./live/socket.js";

var config = JSON.parse(document.getElementById("offers-config").textContent);
var list = document.getElementById("offer-list");
var state = document.getElementById("offers-live-status");
var offers = new Map(); // request id -> offer message

function element(tag, className, text) {
  var node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

function secondsLeft(offer) {
  if (!offer.expires_at) {
    return null;
  }
  return Math.max(0, Math.round((Date.parse(offer.expires_at) - Date.now()) / 1000));
}

function countdownText(seconds) {
  var minutes = Math.floor(seconds / 60);
  var rest = String(seconds % 60).padStart(2, "0");
  return minutes + ":" + rest + " left";
}

function card(offer) {
  var item = element("li", "card offer");
  item.dataset.requestId = String(offer.request_id);
  var head = element("div", "req-head");
  var link = element("a", "", "#" + offer.request_id + " · " + offer.service);
  link.href = config.detail_url.replace("/0/", "/" + offer.request_id + "/");
  head.appendChild(link);
  var left = secondsLeft(offer);
  if (left !== null) {
    var countdown = element("span", "badge countdown", countdownText(left));
    countdown.dataset.expiresAt = offer.expires_at;
    head.appendChild(countdown);
  }
  item.appendChild(head);
  var facts = [];
  if (offer.distance_km !== null) {
    facts.push(offer.distance_km + " km away");
  }
  if (offer.estimate !== null) {
    facts.push("estimate " + config.currency + " " + offer.estimate);
  }
  if (offer.pin_code) {
    facts.push("pin code " + offer.pin_code);
  }
  item.appendChild(element("div", "req-meta", facts.join(" · ")));
  item.appendChild(element("div", "", offer.description));
  var form = element("form", "inline");
  form.method = "post";
  form.action = config.accept_url.replace("/0/", "/" + offer.request_id + "/");
  var token = element("input");
  token.type = "hidden";
  token.name = "csrfmiddlewaretoken";
  token.value = config.csrf_token;
  form.appendChild(token);
  form.appendChild(element("button", "primary", "Accept"));
  item.appendChild(form);
  return item;
}

function render() {
  list.replaceChildren();
  var sorted = Array.from(offers.values()).sort(function (a, b) {
    return Date.parse(b.offered_at) - Date.parse(a.offered_at);
  });
  sorted.forEach(function (offer) {
    list.appendChild(card(offer));
  });
  if (!sorted.length) {
    list.appendChild(element("li", "card muted", "No offers right now. New ones appear here as they come."));
  }
}

function tick() {
  var expired = false;
  list.querySelectorAll(".countdown").forEach(function (badge) {
    var left = Math.max(0, Math.round((Date.parse(badge.dataset.expiresAt) - Date.now()) / 1000));
    badge.textContent = countdownText(left);
    if (left === 0) {
      offers.delete(Number(badge.closest("li").dataset.requestId));
      expired = true;
    }
  });
  if (expired) {
    render();
  }
}

var socket = createLiveSocket({
  path: config.socket_path,
  say: function (text) {
    state.textContent = text;
  },
  onMessage: function (message) {
    if (message.type === "snapshot") {
      offers.clear();
      message.offers.forEach(function (offer) {
        offers.set(offer.request_id, offer);
      });
    } else if (message.type === "offer") {
      offers.set(message.request_id, message);
    } else if (message.type === "offer_gone") {
      offers.delete(message.request_id);
    } else {
      return;
    }
    render();
  },
});
socket.connect();
window.setInterval(tick, 1000);

// While available, report the phone's position every report_seconds (POST /api/v1/me/position/):
// offers go to those whose position is fresh.
function reportPosition() {
  navigator.geolocation.getCurrentPosition(
    function (fix) {
      fetch(config.position_url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf_token },
        body: JSON.stringify({
          latitude: fix.coords.latitude.toFixed(6),
          longitude: fix.coords.longitude.toFixed(6),
        }),
      }).catch(function () {});
    },
    function () {},
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 10000 }
  );
}
if (config.report_position && navigator.geolocation) {
  reportPosition();
  window.setInterval(reportPosition, config.report_seconds * 1000);
}
