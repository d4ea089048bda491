// Live reload for `splforge docs --serve` (served by it, never part of a written site):
// listens to the server's event stream and reloads this page when a rebuild changed it,
// or when the site was rebuilt between serving this page and connecting.
(function () {
  "use strict";
  var script = document.currentScript;
  var served = script ? script.getAttribute("data-version") : null;
  var page = window.location.pathname.replace(/^\/+/, "") || "index.html";
  if (page.charAt(page.length - 1) === "/") { page += "index.html"; }
  var events = new EventSource("/__splforge/events");
  events.addEventListener("version", function (event) {
    if (served !== null && event.data !== served) { window.location.reload(); }
  });
  events.addEventListener("reload", function (event) {
    var update = JSON.parse(event.data);
    served = String(update.version);
    if (update.changed.indexOf(page) >= 0) { window.location.reload(); }
  });
})();
