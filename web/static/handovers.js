// Handover pages: check and submit a batch; accept or return its documents.
(() => {
  const { post, message } = window.archive;
  const accounts = () => document.getElementById("accounts").value.split(/[\s,，、]+/).filter(Boolean);

  const form = document.getElementById("handover-form");
  if (form) {
    document.getElementById("check-batch").addEventListener("click", async () => {
      const out = document.getElementById("check-result");
      const response = await post("/api/handovers/check", { accounts: accounts() });
      if (!response.ok) { out.textContent = await message(response); return; }
      const plan = await response.json();
      const gaps = Object.entries(plan.gap_names).map(([a, t]) => `${a} 缺 ${t.join("、")}`).join("；");
      out.textContent = `可移交档案 ${plan.documents.length} 件` + (gaps ? `；资料不齐全：${gaps}` : "；资料齐全");
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await post("/api/handovers", {
        accounts: accounts(), gaps_reason: form.gaps_reason.value });
      if (response.ok) window.location.href = `/handovers/${(await response.json()).id}`;
      else document.getElementById("handover-error").textContent = await message(response);
    });
  }

  const batch = document.getElementById("batch");
  if (!batch) return;
  const decide = async (items) => {
    const response = await post(`/api/handovers/${batch.dataset.id}/decisions`, { items });
    if (response.ok) window.location.reload();
    else document.getElementById("decide-error").textContent = await message(response);
  };
  batch.addEventListener("click", (event) => {
    const act = event.target.dataset && event.target.dataset.act;
    if (event.target.id === "accept-rest") {
      decide([...batch.querySelectorAll("tr.item[data-status=待接收]")].map(
        (row) => ({ doc_id: row.dataset.doc, accept: true })));
    } else if (act) {
      const row = event.target.closest("tr.item");
      decide([{ doc_id: row.dataset.doc, accept: act === "accept",
                reason: row.querySelector(".reason").value }]);
    }
  });
})();
