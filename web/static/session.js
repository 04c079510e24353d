// Sign-out button of the top bar: POST /api/logout with the session's CSRF token.
document.addEventListener("click", async (event) => {
  if (event.target.id !== "logout") return;
  const meta = document.querySelector('meta[name="csrf-token"]');
  await fetch("/api/logout", {
    method: "POST", credentials: "same-origin",
    headers: { "X-CSRF-Token": meta ? meta.content : "" },
  });
  window.location.href = "/login";
});
