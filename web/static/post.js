// JSON POSTs with the session's CSRF token, and the message of an error response.
window.archive = {
  post(url, body) {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": meta ? meta.content : "" },
      body: JSON.stringify(body || {}),
    });
  },
  async message(response) {
    const body = await response.json().catch(() => ({}));
    return (body.error && body.error.message) || "操作失败";
  },
};

// A button with data-post="/api/..." posts data-body (JSON) plus the named inputs of its row,
// then reloads the page, or shows the error beside the button.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-post]");
  if (!button) return;
  const row = button.closest("tr") || button.parentElement;
  const body = JSON.parse(button.dataset.body || "{}");
  row.querySelectorAll("input[name]").forEach((input) => { body[input.name] = input.value; });
  const response = await window.archive.post(button.dataset.post, body);
  if (response.ok) { window.location.reload(); return; }
  let note = button.parentElement.querySelector(".warn");
  if (!note) { note = document.createElement("div"); note.className = "warn"; button.parentElement.appendChild(note); }
  note.textContent = await window.archive.message(response);
});
