/* Header search for sites built with the factcheck plugin's `search: pagefind`.
 *
 * The markup is partials/pagefind-search.html; the index is site/pagefind/, written by
 * generator/pagefind.py with one record per claim (meta: title, verdict, claimant, date, colour;
 * filters: verdict, topic, claimant, year). The filter menus get their options, with counts, from
 * pagefind/fc-filters.json (a few kB) when the search opens, not from Pagefind's filters(), which
 * would fetch every filter chunk; Pagefind fetches a filter's chunk when a search uses it. A filter
 * alone (no words) lists every match.
 * Pagefind itself (pagefind.js, its WASM and index chunks) is loaded only when the reader opens
 * the search, and only the chunks a query needs are fetched, so the first search stays small at
 * any number of claims.
 *
 * Record text is not trusted as HTML: results are built with textContent, and Pagefind's excerpt
 * (the record text with only < and > escaped, and <mark> around hits) is split on the marks and
 * turned back into text, never parsed.
 */
(() => {
  "use strict";
  const panel = document.getElementById("fc-search");
  const toggle = document.querySelector(".fc-search__toggle");
  if (!panel || !toggle) return;
  const input = panel.querySelector(".fc-search__input");
  const status = panel.querySelector(".fc-search__status");
  const list = panel.querySelector(".fc-search__results");
  const selects = Array.from(panel.querySelectorAll(".fc-search__select"));
  const reset = panel.querySelector(".fc-search__reset");
  const strings = panel.dataset; // Material's words for the theme language (data-text-*)
  const PAGE = 10; // results rendered at once; each needs one fragment request
  const dateFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "long" });
  let pagefind = null; // the promise of the loaded module, created on first open
  let current = null; // the results of the latest query
  let shown = 0;
  let sentinel = null;

  function load() {
    if (!pagefind) {
      // import() resolves against this script's URL, so make the page-relative URL absolute first.
      const url = new URL(panel.dataset.bundle, location.href).href;
      pagefind = import(url).then(async (module) => { await module.init(); return module; });
      pagefind.catch((error) => { status.textContent = `⚠ ${error.message}`; });
      fillFilters().catch(() => {}); // without options the menus stay disabled
    }
    return pagefind;
  }

  function open() {
    panel.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    input.focus();
    if (!pagefind) status.textContent = strings.textInitializer;
    load().then(() => { if (status.textContent === strings.textInitializer) status.textContent = ""; }, () => {});
  }

  function close(returnFocus) {
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    if (returnFocus) toggle.focus();
  }

  function verdictRank() {
    // The verdicts in the order of the scale (the plugin writes it); other values after them.
    let order = [];
    try { order = JSON.parse(panel.dataset.verdictOrder || "[]"); } catch { order = []; }
    return (value) => { const at = order.indexOf(value); return at < 0 ? order.length : at; };
  }

  function ordered(name, counts) {
    const values = Object.keys(counts);
    const text = (a, b) => a.localeCompare(b, document.documentElement.lang || undefined);
    if (name === "year") return values.sort((a, b) => b.localeCompare(a)); // newest first
    if (name === "verdict") {
      const rank = verdictRank();
      return values.sort((a, b) => rank(a) - rank(b) || text(a, b));
    }
    return values.sort(text);
  }

  async function fillFilters() {
    const response = await fetch(new URL(panel.dataset.filters, location.href));
    if (!response.ok) throw new Error(`${response.status} ${response.url}`);
    const all = await response.json(); // {verdict: {"Falsch": 12, …}, topic: {…}, …}
    selects.forEach((select) => {
      const counts = all[select.dataset.filter] || {};
      ordered(select.dataset.filter, counts).forEach((value) => {
        const option = select.appendChild(document.createElement("option"));
        option.value = value; // text, never HTML: the values are record text
        option.textContent = `${value} (${counts[value]})`;
      });
      select.disabled = false;
    });
  }

  function chosen() {
    const filters = {};
    selects.forEach((select) => { if (select.value) filters[select.dataset.filter] = select.value; });
    return filters;
  }

  function count(n) {
    if (n === 0) return strings.textNone;
    return n === 1 ? strings.textOne : strings.textOther.replace("#", String(n));
  }

  function excerpt(html) {
    // "a &lt;b&gt; <mark>c</mark>" → text "a <b> ", a <mark> element with "c". Pagefind escapes
    // exactly < and > of the record text, so a literal "<mark>" in it cannot pose as a hit.
    const text = (part) => part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
    const out = document.createElement("p");
    out.className = "fc-search__excerpt";
    out.dir = "auto"; // an Arabic or Hebrew claim quoted in a result reads right to left
    html.split(/(<mark>.*?<\/mark>)/s).forEach((part) => {
      const hit = /^<mark>(.*)<\/mark>$/s.exec(part);
      if (hit) out.appendChild(document.createElement("mark")).textContent = text(hit[1]);
      else if (part) out.appendChild(document.createTextNode(text(part)));
    });
    return out;
  }

  function item(data) {
    const li = document.createElement("li");
    li.className = "fc-search__result";
    const link = li.appendChild(document.createElement("a"));
    link.className = "fc-search__link";
    link.href = data.url;
    link.textContent = data.meta.title;
    link.dir = "auto";
    const meta = li.appendChild(document.createElement("p"));
    meta.className = "fc-search__meta";
    if (data.meta.verdict) {
      const badge = meta.appendChild(document.createElement("span"));
      badge.className = "fc-badge";
      badge.textContent = data.meta.verdict;
      if (/^#[0-9a-fA-F]{6}$/.test(data.meta.colour || "")) badge.style.setProperty("--fc-colour", data.meta.colour);
    }
    const details = [data.meta.claimant];
    if (data.meta.date) {
      const day = new Date(`${data.meta.date}T00:00:00`);
      details.push(Number.isNaN(day.getTime()) ? data.meta.date : dateFormat.format(day));
    }
    meta.appendChild(document.createTextNode(` ${details.filter(Boolean).join(" · ")}`));
    li.appendChild(excerpt(data.excerpt || ""));
    return li;
  }

  async function more(results) {
    const batch = results.slice(shown, shown + PAGE);
    shown += batch.length;
    const items = await Promise.all(batch.map((r) => r.data()));
    if (results !== current) return; // a newer query replaced this one meanwhile
    if (sentinel) sentinel.remove();
    items.forEach((data) => list.appendChild(item(data)));
    sentinel = null;
    if (shown < results.length) {
      // Render the next results when the reader scrolls (or tabs) to the end of the list.
      sentinel = list.appendChild(document.createElement("li"));
      sentinel.className = "fc-search__sentinel";
      sentinel.setAttribute("aria-hidden", "true");
      const observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) { observer.disconnect(); more(results); }
      }, { root: panel });
      observer.observe(sentinel);
    }
  }

  let asked = 0; // numbers the searches, so only the latest one's results are shown

  async function search() {
    const term = input.value.trim();
    const filters = chosen();
    const filtered = Object.keys(filters).length > 0;
    reset.hidden = !filtered;
    const mine = ++asked;
    let module;
    try { module = await load(); } catch { return; }
    // A filter alone (no words) lists every claim it matches: Pagefind searches for null then.
    const found = term || filtered ? await module.debouncedSearch(term || null, { filters }, 250) : { results: [] };
    if (found === null || mine !== asked) return; // superseded by a later keystroke or choice
    current = found.results;
    shown = 0;
    list.replaceChildren();
    status.textContent = term || filtered ? count(current.length) : "";
    if (current.length) await more(current);
  }

  function step(delta) {
    // Arrow keys move between the input and the result links (in a filter menu they choose a value).
    const stops = [input, ...list.querySelectorAll(".fc-search__link")];
    const at = stops.indexOf(document.activeElement);
    const next = stops[Math.min(Math.max(at + delta, 0), stops.length - 1)];
    if (next) next.focus();
  }

  toggle.hidden = false;
  toggle.addEventListener("click", () => (panel.hidden ? open() : close(true)));
  panel.querySelector(".fc-search__close").addEventListener("click", () => {
    input.value = "";
    selects.forEach((select) => { select.value = ""; });
    search();
    close(true);
  });
  panel.querySelector(".fc-search__form").addEventListener("submit", (event) => {
    event.preventDefault();
    const first = list.querySelector(".fc-search__link");
    if (first) first.click(); // Enter opens the best result
  });
  input.addEventListener("input", search);
  selects.forEach((select) => select.addEventListener("change", search));
  reset.addEventListener("click", () => {
    selects.forEach((select) => { select.value = ""; });
    search();
    input.focus();
  });
  const walks = (target) => target === input || (target instanceof Element && target.matches(".fc-search__link"));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); close(true); }
    else if (event.key === "ArrowDown" && walks(event.target)) { event.preventDefault(); step(1); }
    else if (event.key === "ArrowUp" && walks(event.target)) { event.preventDefault(); step(-1); }
  });
  document.addEventListener("keydown", (event) => {
    // "/" opens the search, as on Material sites, unless the reader is typing somewhere.
    const target = event.target;
    const typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      open();
    }
  });
  document.addEventListener("click", (event) => {
    if (!panel.hidden && !panel.contains(event.target) && !toggle.contains(event.target)) close(false);
  });
})();
