// Live updates from the server-sent events stream (htmx SSE extension, see base.html).
// Counts in the navigation follow `counts`, `notification` and `message` events; new feed
// entries only add to a "N new posts" link that floats over the page (nothing moves until
// the reader follows it); `resync` means events were missed: the counts come again.
(function () {
  "use strict";
  function setCount(name, value) {
    document.querySelectorAll('[data-live-count="' + name + '"]').forEach(function (el) {
      el.textContent = value > 0 ? String(value) : "";
      el.setAttribute("aria-label", value > 0 ? value + " unread" : "");
    });
  }
  var fresh = 0;
  function showNew() {
    var box = document.querySelector("[data-live-new]");
    var link = document.querySelector("[data-live-new-link]");
    if (!box || !link) return;
    link.textContent = fresh === 1 ? "1 new post" : fresh + " new posts";
    link.setAttribute("href", window.location.pathname + window.location.search);
    box.hidden = fresh === 0;
  }
  document.addEventListener("htmx:sseOpen", function (evt) {
    if (evt.target && evt.target.setAttribute) evt.target.setAttribute("data-live-connected", "");
  });
  document.addEventListener("htmx:sseMessage", function (evt) {
    var message = evt.detail;
    if (!message || !message.type || !message.data) return;
    var data;
    try { data = JSON.parse(message.data); } catch (e) { return; }
    if (message.type === "counts") {
      setCount("notifications", data.notifications || 0);
      setCount("messages", data.messages || 0);
    } else if (message.type === "notification") {
      setCount("notifications", data.unread || 0);
    } else if (message.type === "message") {
      setCount("messages", data.unread_threads || 0);
      var open = document.querySelector('[data-message-thread="' + data.thread + '"]');
      if (open && window.htmx) window.htmx.trigger(open, "kith:message");
    } else if (message.type === "feed_entry") {
      fresh += 1;
      showNew();
    }
  });
})();
