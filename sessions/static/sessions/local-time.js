// Adds the reader's own clock time after each agenda time range when their zone differs from
// the event's. Without JavaScript the page still shows the event's time and UTC offset.
// The note sits outside the left-to-right range, and its own times are isolated, so that it
// reads right in Arabic pages too.
(function () {
  "use strict";
  var root = document.querySelector("[data-local-label]");
  if (!root || !window.Intl) { return; }
  var label = root.getAttribute("data-local-label");
  var lang = document.documentElement.lang || undefined;
  var dayFormat = new Intl.DateTimeFormat(lang, { weekday: "short" });
  // Latin digits, as the server writes the event's times: the two must compare equal.
  var clockFormat = new Intl.DateTimeFormat(lang, {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", numberingSystem: "latn"
  });
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  document.querySelectorAll("[data-local-range]").forEach(function (range) {
    // The script may be on a page twice (the event's time and its agenda): note each range once.
    if (range.hasAttribute("data-local-done")) { return; }
    range.setAttribute("data-local-done", "");
    var times = range.querySelectorAll("time[datetime]");
    if (times.length !== 2) { return; }
    var start = new Date(times[0].getAttribute("datetime"));
    var end = new Date(times[1].getAttribute("datetime"));
    if (isNaN(start.getTime()) || isNaN(end.getTime())) { return; }
    var localStart = clockFormat.format(start);
    if (localStart === times[0].textContent.trim()) { return; }  // same clock: nothing to add
    var clock = document.createElement("span");
    clock.dir = "ltr";
    clock.textContent = localStart + "–" + clockFormat.format(end);
    var note = document.createElement("span");
    note.className = "local-time";
    note.append(" (" + label + ": " + dayFormat.format(start) + " ", clock);
    if (zone) {
      var place = document.createElement("bdi");
      place.dir = "ltr";
      place.textContent = zone;
      note.append(document.documentElement.dir === "rtl" ? "، " : ", ", place);
    }
    note.append(")");
    range.after(note);
  });
})();
