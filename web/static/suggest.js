// Suggestions under the search box: customers (户名, 户号, 供电单位), units and document types
// from GET /api/suggest. Keyboard (↑ ↓ Enter Esc) and mouse. No request while a Chinese input
// method is composing (compositionstart … compositionend), and one per pause in typing.
(function () {
  const input = document.querySelector(".searchbox input[name=q]");
  const list = document.getElementById("suggest-list");
  if (!input || !list) return;
  const DELAY_MS = 150;
  let composing = false, timer = null, items = [], active = -1, asked = "";

  function close() {
    list.hidden = true; list.innerHTML = ""; items = []; active = -1;
    input.setAttribute("aria-expanded", "false");
  }
  function choose(item) {
    close();
    if (item.href) { window.location.href = item.href; return; }  // a customer: their archive
    input.value = item.value;
    input.form.submit();
  }
  function highlight(n) {
    active = n;
    Array.from(list.children).forEach((li, i) => li.setAttribute("aria-selected", i === n ? "true" : "false"));
  }
  function row(kind, text, extra, value, href) {
    return { kind: kind, text: text, extra: extra, value: value, href: href || "" };
  }
  function show(body) {
    items = [
      ...body.customers.map(c => row("客户", c.name, c.account_no + " · " + c.org, c.name,
                                    "/customers/" + encodeURIComponent(c.account_no))),
      ...body.units.map(u => row("单位", u, "", u)),
      ...body.doc_types.map(t => row("类别", t.name, t.code, t.name)),
    ];
    list.innerHTML = "";
    items.forEach((item, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "suggest-" + i;
      for (const [cls, text] of [["kind", item.kind], ["text", item.text], ["extra", item.extra]]) {
        const span = document.createElement("span");
        span.className = cls; span.textContent = text; li.appendChild(span);
      }
      li.addEventListener("mousedown", event => { event.preventDefault(); choose(item); });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    active = -1;
  }
  async function ask() {
    const q = input.value.trim();
    if (!q) { close(); return; }
    if (q === asked) return;
    asked = q;
    const response = await fetch("/api/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin" });
    if (response.ok && input.value.trim() === q) show(await response.json());
  }
  function later() {
    clearTimeout(timer);
    if (!composing) timer = setTimeout(ask, DELAY_MS);
  }
  input.addEventListener("compositionstart", () => { composing = true; clearTimeout(timer); });
  input.addEventListener("compositionend", () => { composing = false; later(); });
  input.addEventListener("input", event => { if (!event.isComposing) later(); });
  input.addEventListener("keydown", event => {
    if (event.isComposing || list.hidden) return;
    if (event.key === "ArrowDown") { highlight((active + 1) % items.length); event.preventDefault(); }
    else if (event.key === "ArrowUp") { highlight((active - 1 + items.length) % items.length); event.preventDefault(); }
    else if (event.key === "Enter" && active >= 0) { choose(items[active]); event.preventDefault(); }
    else if (event.key === "Escape") { close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
})();
