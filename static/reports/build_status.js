// Progressive enhancement of the build status page: poll the JSON status instead of reloading
// the whole page every few seconds (which is what happens without JavaScript, via <noscript>
// meta refresh). When the build is finished the page is loaded once more, so that what it shows
// (the link with the page count and size, the first page, the error) comes from the server.
(function () {
  "use strict";
  var section = document.querySelector("[data-status-url]");
  if (!section) { return; }
  var url = section.getAttribute("data-status-url");
  var bar = document.getElementById("build-progress");
  var text = document.getElementById("build-progress-text");
  var status = document.getElementById("build-status");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.finished) { window.location.reload(); return; }
        if (bar) { bar.value = data.progress; }
        if (text) { text.textContent = data.progress + " %"; }
        if (status) { status.textContent = data.status_display; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
}());
