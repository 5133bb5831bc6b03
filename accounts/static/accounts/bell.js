// The bell's unread count, live: the user's own socket (/ws/me/) sends {"type": "unread"} on
// connect and at every change; a dropped socket reconnects with a growing wait. Other pages
// (the request's messages) listen to the same socket through the "hs:me" event on window.
const count = document.getElementById("bell-count");
let wait = 1000;

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/me/`);
  socket.addEventListener("open", () => { wait = 1000; });
  socket.addEventListener("message", (event) => {
    let message;
    try { message = JSON.parse(event.data); } catch { return; }
    if (message.type === "unread" && count) {
      count.textContent = String(message.unread);
      count.dataset.live = "1"; // the socket is open and has spoken
      count.parentElement.setAttribute("aria-label", `Notifications, ${message.unread} unread`);
    }
    window.dispatchEvent(new CustomEvent("hs:me", { detail: message }));
  });
  socket.addEventListener("close", (event) => {
    if (event.code === 4401) return; // not signed in: nothing to wait for
    setTimeout(connect, wait);
    wait = Math.min(wait * 2, 30000);
  });
}

connect();
