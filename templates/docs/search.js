// Client-side search. The index (search-index.js, which sets window.SPLFORGE_SEARCH) is
// loaded only when the search box is first used, not with every page. Results are built
// with textContent and relative links from the index only: no HTML from the content is
// ever parsed here. Up/Down move through the results, Enter opens the one selected (or
// the first), Escape clears.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  if (!input || !list) { return; }
  var root = document.body.getAttribute("data-root") || "";
  var prepared = null;
  var loading = false;
  var selected = -1;

  function prepare() {
    var entries = window.SPLFORGE_SEARCH || [];
    prepared = entries.map(function (e) {
      return { entry: e, title: String(e.t).toLowerCase(), text: (e.t + " " + e.d).toLowerCase() };
    });
  }

  // Loads the index once. What is typed while it loads is searched when it arrives.
  function load() {
    if (prepared || loading) { return; }
    if (window.SPLFORGE_SEARCH) { prepare(); return; }
    loading = true;
    var script = document.createElement("script");
    script.src = root + "search-index.js";
    script.onload = function () { prepare(); update(); };
    document.body.appendChild(script);
  }

  function search(query) {
    var words = query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    if (words.length === 0 || !prepared) { return []; }
    var hits = [];
    for (var i = 0; i < prepared.length; i++) {
      var p = prepared[i];
      var all = true;
      for (var j = 0; j < words.length; j++) {
        if (p.text.indexOf(words[j]) < 0) { all = false; break; }
      }
      if (all) {
        var score = p.title.indexOf(words[0]) === 0 ? 0 : (p.title.indexOf(words[0]) >= 0 ? 1 : 2);
        hits.push({ score: score, p: p });
      }
    }
    hits.sort(function (a, b) { return a.score - b.score || (a.p.title < b.p.title ? -1 : 1); });
    return hits.slice(0, 50).map(function (h) { return h.p.entry; });
  }

  function select(index) {
    var items = list.children;
    if (items.length === 0) { selected = -1; return; }
    if (selected >= 0 && selected < items.length) { items[selected].removeAttribute("aria-selected"); }
    selected = (index + items.length) % items.length;
    items[selected].setAttribute("aria-selected", "true");
    items[selected].scrollIntoView({ block: "nearest" });
  }

  function show(results) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    selected = -1;
    results.forEach(function (e) {
      var item = document.createElement("li");
      item.setAttribute("role", "option");
      var link = document.createElement("a");
      link.setAttribute("href", root + e.u);
      link.textContent = e.t;
      var kind = document.createElement("span");
      kind.className = "result-kind";
      kind.textContent = e.k;
      item.appendChild(link);
      item.appendChild(kind);
      list.appendChild(item);
    });
    list.hidden = results.length === 0;
  }

  function update() {
    load();
    if (prepared) { show(search(input.value)); }
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", update);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; show([]); return; }
    if (event.key === "ArrowDown") { event.preventDefault(); select(selected + 1); return; }
    if (event.key === "ArrowUp") { event.preventDefault(); select(selected - 1); return; }
    if (event.key === "Enter") {
      var items = list.children;
      if (items.length === 0) { return; }
      event.preventDefault();
      var link = items[selected >= 0 ? selected : 0].querySelector("a");
      if (link) { window.location.href = link.href; }
    }
  });
  // `?q=words` opens the page with a search typed in (links, screenshots).
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { input.value = query; update(); }
})();
