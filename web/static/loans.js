// The loans page: request a loan, approve/refuse, return and renew, through /api/loans.
(() => {
  const { post, message } = window.archive;
  const list = (text) => text.split(/[\s,，、]+/).filter(Boolean);
  const fail = async (response, where) => { where.textContent = await message(response); };

  const form = document.getElementById("loan-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const response = await post("/api/loans", {
        accounts: list(form.accounts.value), doc_ids: list(form.doc_ids.value),
        purpose: form.purpose.value, purpose_text: form.purpose_text.value,
        days: Number(form.days.value), original: form.original.checked, paper: form.paper.checked,
      });
      if (response.ok) window.location.href = "/loans";
      else await fail(response, document.getElementById("loan-error"));
    });
  }

  document.addEventListener("click", async (event) => {
    const act = event.target.dataset && event.target.dataset.act;
    if (!act) return;
    const row = event.target.closest("tr.loan");
    const id = row.dataset.id;
    const reason = row.querySelector(".reason");
    let response;
    if (act === "renew") {
      const days = window.prompt("续借天数（7–30）", "7");
      if (!days) return;
      response = await post(`/api/loans/${id}/renew`, { days: Number(days) });
    } else {
      response = await post(`/api/loans/${id}/${act}`, { reason: reason ? reason.value : "" });
    }
    if (response.ok) window.location.reload();
    else {
      const cell = event.target.parentElement;
      let note = cell.querySelector(".warn");
      if (!note) { note = document.createElement("div"); note.className = "warn"; cell.appendChild(note); }
      await fail(response, note);
    }
  });
})();
