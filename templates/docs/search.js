// Client-side search over the site's index (search-index.js sets window.SPLFORGE_SEARCH).
// Results are built with textContent and relative links from the index only: no HTML
// from the content is ever parsed here.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var entries = window.SPLFORGE_SEARCH || [];
  if (!input || !list) { return; }
  var root = document.body.getAttribute("data-root") || "";
  var prepared = entries.map(function (e) {
    return { entry: e, title: String(e.t).toLowerCase(), text: (e.t + " " + e.d).toLowerCase() };
  });

  function search(query) {
    var words = query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    if (words.length === 0) { return []; }
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

  function show(results) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    results.forEach(function (e) {
      var item = document.createElement("li");
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

  input.addEventListener("input", function () { show(search(input.value)); });
  // `?q=words` opens the page with a search typed in (links, screenshots).
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { input.value = query; show(search(query)); }
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; show([]); }
  });
})();
