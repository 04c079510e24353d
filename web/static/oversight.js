// Spot checks (抽查): create, fill manual items, finish. Every change is one JSON request
// with the session's CSRF token; the server validates and logs each step.
const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

async function send(method, url, body) {
  const response = await fetch(url, {
    method, credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((data.error && data.error.message) || "请求失败");
  return data;
}

function showError(scope, error) {
  const box = scope.querySelector(".form-error");
  if (box) box.textContent = error ? error.message : "";
}

const form = document.getElementById("new-spot-check");
if (form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const seed = form.seed.value.trim();
    try {
      const created = await send("POST", "/api/spot-checks", {
        org: form.org.value, size: Number(form.size.value),
        seed: seed === "" ? null : Number(seed), stratified: form.stratified.checked,
      });
      window.location.href = `/manage/spot-checks/${created.id}`;
    } catch (error) { showError(form, error); }
  });
}

const check = document.getElementById("spot-check");
if (check) {
  const id = check.dataset.checkId;
  const save = async (row) => {
    const result = row.querySelector('select[name="result"]').value;
    const note = row.querySelector('input[name="note"]').value;
    if (!result) return;
    if (result === "不合格" && !note.trim()) {
      row.classList.add("unsaved"); showError(check, new Error("判为不合格时请填写说明")); return;
    }
    try {
      const counts = await send("PUT", `/api/spot-checks/${id}/items`, {
        account_no: row.closest("tbody").dataset.account, item: row.dataset.item, result, note,
      });
      for (const key of ["pending", "passed"]) {
        const shown = document.getElementById(key);
        if (shown) shown.textContent = counts[key];
      }
      row.classList.remove("unsaved"); row.classList.add("saved"); showError(check, null);
    } catch (error) { row.classList.add("unsaved"); showError(check, error); }
  };
  check.querySelectorAll('select[name="result"]').forEach((select) =>
    select.addEventListener("change", () => save(select.closest("tr"))));
  check.querySelectorAll('input[name="note"]').forEach((input) =>
    input.addEventListener("change", () => save(input.closest("tr"))));
  const finish = document.getElementById("finish");
  if (finish) {
    finish.addEventListener("click", async () => {
      try {
        await send("POST", `/api/spot-checks/${id}/finish`);
        window.location.reload();
      } catch (error) { showError(check, error); }
    });
  }
}
