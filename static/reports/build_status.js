// Progressive enhancement of the build status page: poll the JSON status instead of reloading
// the whole page (which is what happens without JavaScript, via <noscript> meta refresh).
(function () {
  "use strict";
  var section = document.querySelector("[data-status-url]");
  if (!section) { return; }
  var url = section.getAttribute("data-status-url");
  var bar = document.getElementById("build-progress");
  var text = document.getElementById("build-progress-text");
  var status = document.getElementById("build-status");
  var download = document.getElementById("build-download");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.progress;
        text.textContent = data.progress + " %";
        status.textContent = data.status_display;
        if (data.finished) {
          if (data.status === "succeeded" && download) { download.hidden = false; }
          if (data.status === "failed") { window.location.reload(); }
          return;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (bar && !(bar.value >= 100)) { window.setTimeout(poll, 2000); }
}());
