// Adds the reader's own clock time beside each agenda time when their zone differs from the
// event's. Without JavaScript the page still shows the event's time and UTC offset.
(function () {
  "use strict";
  var root = document.querySelector("[data-local-label]");
  if (!root || !window.Intl) { return; }
  var label = root.getAttribute("data-local-label");
  var timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    hour: "2-digit", minute: "2-digit", weekday: "short", hourCycle: "h23"
  });
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  document.querySelectorAll("time[data-local-time]").forEach(function (node) {
    var when = new Date(node.getAttribute("datetime"));
    if (isNaN(when.getTime())) { return; }
    var shown = node.textContent.trim();
    var local = timeFormat.format(when);
    if (local.indexOf(shown) !== -1) { return; }  // same clock time: nothing to add
    var note = document.createElement("span");
    note.className = "local-time";
    note.textContent = " (" + label + ": " + local + (zone ? ", " + zone : "") + ")";
    node.after(note);
  });
})();
