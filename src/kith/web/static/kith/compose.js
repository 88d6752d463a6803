// Live character count under every textarea with data-limit (the compose box, replies, stories).
// Progressive: without JavaScript the preview shows the count; the server enforces the limit.
(function () {
  "use strict";
  function length(text) {
    return Array.from(text.replace(/\r\n/g, "\n").trim()).length;
  }
  function attach(area) {
    if (area.dataset.counted) return;
    area.dataset.counted = "1";
    var limit = parseInt(area.dataset.limit, 10);
    var out = document.createElement("span");
    out.className = "char-count";
    out.setAttribute("aria-live", "polite");
    out.setAttribute("data-testid", "char-count");
    function update() {
      var n = length(area.value);
      out.textContent = n.toLocaleString() + " / " + limit.toLocaleString();
      out.classList.toggle("over", n > limit);
    }
    area.addEventListener("input", update);
    area.insertAdjacentElement("afterend", out);
    update();
  }
  function scan(root) {
    root.querySelectorAll("textarea[data-limit]").forEach(attach);
  }
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();
