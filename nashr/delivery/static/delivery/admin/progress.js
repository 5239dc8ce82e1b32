// The sending progress page, kept current: every two seconds the page is fetched again
// and its progress block replaced, until the sending is done. Without this script the
// page reloads itself (a <noscript> refresh).
"use strict";
(function () {
  const INTERVAL_MS = 2000;
  function update() {
    const current = document.getElementById("sending-progress");
    if (!current || current.dataset.done === "true") {
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("sending-progress");
        if (fresh) {
          current.replaceWith(fresh);
        }
      })
      .catch(function () { /* try again at the next tick */ })
      .finally(function () { window.setTimeout(update, INTERVAL_MS); });
  }
  window.setTimeout(update, INTERVAL_MS);
})();
