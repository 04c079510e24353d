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
