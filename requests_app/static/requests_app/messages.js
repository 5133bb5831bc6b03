// The request page's message thread: sends through the API (the session's CSRF token), and
// shows new messages live from the user's own socket, which accounts/bell.js keeps open and
// passes on as "hs:me" events.
const panel = document.getElementById("messages");
const list = document.getElementById("message-list");
const form = document.getElementById("message-form");
const errorBox = document.getElementById("message-error");
const requestId = Number(panel.dataset.request);
const me = Number(panel.dataset.me);

function show(message) {
  if (list.querySelector(`[data-id="${message.id}"]`)) return; // already there
  document.getElementById("no-messages")?.remove();
  const item = document.createElement("li");
  item.className = message.sender_id === me ? "message mine" : "message";
  item.dataset.id = String(message.id);
  const name = document.createElement("strong");
  name.textContent = message.sender_name;
  const body = document.createElement("span");
  body.className = "body";
  body.textContent = message.body;
  item.append(name, document.createElement("br"), body);
  list.append(item);
}

window.addEventListener("hs:me", (event) => {
  const message = event.detail;
  if (message.type === "chat_message" && message.message.request_id === requestId) show(message.message);
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorBox.textContent = "";
  const text = form.elements.body.value;
  const response = await fetch(panel.dataset.api, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
    body: JSON.stringify({ body: text }),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 201) {
    show(answer);
    form.reset();
  } else {
    errorBox.textContent = (answer.errors && answer.errors.body && answer.errors.body[0]) || answer.detail || "Not sent.";
  }
});
