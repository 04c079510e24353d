// The administrator's page: each button calls /api/admin/... with the session's CSRF token,
// then the page reloads showing what happened. The buttons shown follow the administrator's
// duty (system: accounts; security: roles and units); nobody issues tokens for others here.
const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
const message = document.getElementById("admin-message");
const shown = sessionStorage.getItem("admin-message");
if (shown) {  // the success that reloaded the page
  message.classList.add("ok");
  message.textContent = shown;
  sessionStorage.removeItem("admin-message");
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method, credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return {};
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data && data.error ? data.error.message : "操作失败，请稍后重试");
  return data;
}

function failed(text) {  // an error reads differently from a success (.admin-message.error)
  message.classList.remove("ok");
  message.classList.add("error");
  message.textContent = text;
}

function done(text) {
  sessionStorage.setItem("admin-message", text);
  window.location.reload();
}

const ACTIONS = {
  async disable(name) { await call("POST", `/api/admin/users/${encodeURIComponent(name)}/disable`); return `已停用 ${name}，其会话已结束`; },
  async enable(name) { await call("POST", `/api/admin/users/${encodeURIComponent(name)}/enable`); return `已启用 ${name}`; },
  async unlock(name) { await call("POST", `/api/admin/users/${encodeURIComponent(name)}/unlock`); return `已解除 ${name} 的锁定`; },
  async role(name, row) {
    const role = row.querySelector('select[name="role"]').value;
    const org = row.querySelector('select[name="org"]').value;
    await call("PUT", `/api/admin/users/${encodeURIComponent(name)}/role`, { role, org });
    return `已变更 ${name} 的角色和单位，其会话已结束`;
  },
  async password(name) {
    const password = window.prompt(`${name} 的新密码（至少 10 个字符，含三类字符）：`);
    if (!password) return null;
    await call("POST", `/api/admin/users/${encodeURIComponent(name)}/password`, { password });
    return `已重置 ${name} 的密码，其会话已结束`;
  },
  async revoke(name, row, button) {
    if (!window.confirm(`吊销令牌 #${button.dataset.token}？`)) return null;
    await call("DELETE", `/api/admin/tokens/${button.dataset.token}`);
    return `已吊销令牌 #${button.dataset.token}`;
  },
};

document.getElementById("users").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const row = button.closest("tr");
  try {
    const text = await ACTIONS[button.dataset.action](row.dataset.name, row, button);
    if (text) done(text);
  } catch (error) {
    failed(error.message);
  }
});

document.getElementById("create-user")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const body = Object.fromEntries(["name", "password"].map(
    (key) => [key, form.elements[key].value]));
  try {
    await call("POST", "/api/admin/users", body);
    done(`已创建用户 ${body.name}`);
  } catch (error) {
    failed(error.message);
  }
});
