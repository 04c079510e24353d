// Sign-in form: POST /api/login as JSON, then go where the user was heading.
const form = document.getElementById("login-form");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const message = document.getElementById("login-error");
  message.textContent = "";
  const body = JSON.stringify({
    username: form.elements.username.value, password: form.elements.password.value,
  });
  try {
    const response = await fetch("/api/login", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body,
    });
    if (response.ok) {
      window.location.href = form.dataset.next || "/";
      return;
    }
    const error = await response.json().catch(() => null);
    message.textContent = error && error.error ? error.error.message : "登录失败，请稍后重试";
  } catch (e) {
    message.textContent = "无法连接服务，请稍后重试";
  }
  form.elements.password.value = "";
  form.elements.password.focus();
});
