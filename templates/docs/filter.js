// Filters of a section page: a text box matching each row's text, and one choice per
// facet matching the row's `data-fN` values (`|`-separated). Shows the number of rows left.
(function () {
  "use strict";
  var box = document.querySelector(".filters");
  if (!box) { return; }
  var table = document.getElementById(box.getAttribute("data-table"));
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var text = box.querySelector(".filter-text");
  var facets = Array.prototype.slice.call(box.querySelectorAll(".filter-facet"));
  var shown = box.querySelector(".shown");
  var lowered = rows.map(function (r) { return r.textContent.toLowerCase(); });

  function apply() {
    var words = (text ? text.value : "").toLowerCase().split(/\s+/).filter(function (w) { return w; });
    var count = 0;
    rows.forEach(function (row, i) {
      var visible = words.every(function (w) { return lowered[i].indexOf(w) >= 0; });
      facets.forEach(function (select) {
        var wanted = select.value;
        if (!visible || !wanted) { return; }
        var values = (row.getAttribute("data-f" + select.getAttribute("data-facet")) || "").split("|");
        visible = values.indexOf(wanted) >= 0;
      });
      row.hidden = !visible;
      if (visible) { count++; }
    });
    if (shown) { shown.textContent = String(count); }
  }

  if (text) { text.addEventListener("input", apply); }
  facets.forEach(function (select) { select.addEventListener("change", apply); });
  // `?filter=words` opens the page filtered (links, screenshots).
  var initial = new URLSearchParams(window.location.search).get("filter");
  if (initial && text) { text.value = initial; }
  apply();
})();
