// The web view's one script. Every page reads without it; it adds the theme switch, copying commands, keyboard moves
// (j/k next/previous, Enter open, / search, t theme), messages appended in place and live updates from /live.
(() => {
  "use strict";
  const root = document.documentElement;
  const stored = localStorage.getItem("sm-theme");
  if (stored) root.dataset.theme = stored;

  const toggleTheme = () => {
    const dark = root.dataset.theme ? root.dataset.theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    root.dataset.theme = dark ? "light" : "dark";
    localStorage.setItem("sm-theme", root.dataset.theme);
  };

  document.addEventListener("click", async (event) => {
    const target = event.target.closest("[data-theme-toggle], [data-copy], [data-more]");
    if (!target) return;
    if (target.matches("[data-theme-toggle]")) toggleTheme();
    else if (target.matches("[data-copy]")) {
      const text = target.dataset.copy;
      try { await navigator.clipboard.writeText(text); } catch { window.prompt("Copy:", text); return; }
      const label = target.textContent;
      target.textContent = "Copied";
      setTimeout(() => { target.textContent = label; }, 1200);
    } else if (target.matches("[data-more]")) {
      event.preventDefault();
      await appendMessages(true);
    }
  });

  // Keyboard: j/k move between rows, messages or hits; Enter opens; / searches; t switches the theme.
  let selected = -1;
  const items = () => [...document.querySelectorAll("[data-item]")];
  const select = (index) => {
    const all = items();
    if (all.length === 0) return;
    selected = Math.max(0, Math.min(all.length - 1, index));
    all.forEach((item, i) => item.classList.toggle("selected", i === selected));
    all[selected].scrollIntoView({ block: "nearest" });
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, select, textarea")) return;
    if (event.key === "j") select(selected + 1);
    else if (event.key === "k") select(selected - 1);
    else if (event.key === "t") toggleTheme();
    else if (event.key === "/") { event.preventDefault(); document.querySelector("input[type=search]")?.focus(); }
    else if (event.key === "Enter" && selected >= 0) items()[selected]?.querySelector("a")?.click();
  });

  // A session's page: the next messages fetched and appended in place (the "next" link, and live growth on the last page).
  const list = document.querySelector("[data-messages]");
  const session = document.querySelector("article.session")?.dataset.session;
  let fetching = false;
  async function appendMessages(explicit) {
    if (!list || fetching) return;
    const next = Number(list.dataset.next);
    const total = Number(list.dataset.total);
    if (!explicit && document.querySelector("[data-more]")) return; // not at the end: nothing to append to
    fetching = true;
    try {
      const answer = await fetch(`/sessions/${encodeURIComponent(session)}?skip=${next}&fragment=messages`, { headers: { Accept: "text/html" } });
      if (!answer.ok) return;
      const holder = document.createElement("ol");
      holder.innerHTML = await answer.text();
      list.append(...holder.children);
      list.dataset.next = answer.headers.get("X-SM-Next") ?? String(next);
      list.dataset.total = answer.headers.get("X-SM-Total") ?? String(total);
      const shown = Number(list.dataset.total).toLocaleString("en");
      document.querySelectorAll("[data-total-shown]").forEach((el) => { el.textContent = shown; });
      if (Number(list.dataset.next) >= Number(list.dataset.total)) document.querySelectorAll("[data-more]").forEach((a) => a.closest("p")?.remove());
    } finally {
      fetching = false;
    }
    // Still at the end of what is shown (a short batch): read on.
    const link = document.querySelector("[data-more]");
    if (explicit && link && link.getBoundingClientRect().top < innerHeight + 600) setTimeout(() => appendMessages(true), 0);
  }

  // Reading on: the next messages are fetched as the end of the page comes into view (the link does it without script).
  const more = document.querySelector("[data-more]");
  if (more && "IntersectionObserver" in window) {
    new IntersectionObserver((seen) => { if (seen.some((s) => s.isIntersecting)) appendMessages(true); }, { rootMargin: "600px" }).observe(more);
  }

  // Live: /live tells the page what changed; the page fetches what is new itself.
  const live = document.body.dataset.live;
  if (live && "EventSource" in window) {
    const source = new EventSource(live === "*" ? "/live" : `/live?session=${encodeURIComponent(live)}`);
    let pending = null;
    const later = (work) => { clearTimeout(pending); pending = setTimeout(work, 300); };
    source.addEventListener("messages", (event) => {
      const change = JSON.parse(event.data);
      if (list && change.session === session) {
        later(() => appendMessages(false));
      } else if (!list) later(refreshRows);
    });
    let pendingFacts = null;
    source.addEventListener("session", (event) => {
      const change = JSON.parse(event.data);
      if (!list) later(refreshRows);
      else if (change.session === session) { clearTimeout(pendingFacts); pendingFacts = setTimeout(refreshFacts, 300); }
    });
  }

  // A session's page: its facts (status, counts) and timeline read again when the saver saved it.
  async function refreshFacts() {
    const answer = await fetch(location.pathname + location.search, { headers: { Accept: "text/html" } });
    if (!answer.ok) return;
    const page = new DOMParser().parseFromString(await answer.text(), "text/html");
    for (const selector of ["dl.facts", "[data-timeline]"]) {
      const fresh = page.querySelector(selector);
      if (fresh) document.querySelector(selector)?.replaceWith(fresh);
    }
  }

  // Makes an element read as a fresh copy of it while every element still there stays the very element it was: a changed row's
  // link, pressed as the list refreshes, is still in the page when the button comes up, so the click opens it.
  const morph = (old, fresh) => {
    for (const name of old.getAttributeNames()) if (!fresh.hasAttribute(name)) old.removeAttribute(name);
    for (const name of fresh.getAttributeNames()) if (old.getAttribute(name) !== fresh.getAttribute(name)) old.setAttribute(name, fresh.getAttribute(name));
    const [was, now] = [[...old.childNodes], [...fresh.childNodes]];
    now.forEach((node, i) => {
      const before = was[i];
      if (!before) old.append(node);
      else if (before.nodeName !== node.nodeName) before.replaceWith(node);
      else if (node.nodeType === Node.ELEMENT_NODE) morph(before, node);
      else if (before.nodeValue !== node.nodeValue) before.nodeValue = node.nodeValue;
    });
    was.slice(now.length).forEach((node) => node.remove());
  };

  // A press holds back the list's refresh until the button comes up: a click goes to the element both the press and the release were
  // on, and a row moved under the pointer in between (a session that went on rises to the top) would take the click from the row
  // pressed.
  let pressing = false;
  addEventListener("pointerdown", () => { pressing = true; }, true);
  for (const ended of ["pointerup", "pointercancel"]) addEventListener(ended, () => { pressing = false; }, true);

  // The session list: its rows fetched again with the same filters, changed rows flashed. Every row shown before stays the very
  // element it was, its cells and link too (a changed one is made to read as the fresh row and flashes), so a click on it while
  // the list refreshes still opens it; a new row comes in flashed.
  async function refreshRows() {
    const body = document.querySelector("[data-rows] tbody");
    if (!body) return;
    const url = new URL(location.href);
    url.searchParams.set("fragment", "rows");
    const answer = await fetch(url, { headers: { Accept: "text/html" } });
    if (!answer.ok) return;
    const text = await answer.text();
    if (pressing) {
      setTimeout(refreshRows, 300); // drawn once the button is up
      return;
    }
    const table = document.createElement("table");
    table.innerHTML = text;
    const fresh = table.querySelector("tbody");
    if (!fresh) return;
    const shown = new Map([...body.rows].map((row) => [row.dataset.session, row]));
    const rows = [...fresh.rows].map((row) => {
      const old = shown.get(row.dataset.session);
      if (!old) {
        row.classList.add("changed");
        return row;
      }
      if (old.textContent === row.textContent) return old;
      const chosen = old.classList.contains("selected"); // the row j/k moved to stays the one Enter opens
      morph(old, row);
      old.classList.toggle("selected", chosen);
      void old.offsetWidth; // the class just reset: the flash starts again even if the row flashed a moment ago
      old.classList.add("changed");
      return old;
    });
    rows.forEach((row, i) => { if (body.rows[i] !== row) body.insertBefore(row, body.rows[i] ?? null); });
    while (body.rows.length > rows.length) body.rows[rows.length].remove();
  }
})();
