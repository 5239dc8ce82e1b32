/* The comment form's proof of work (ALTCHA, v1): find the number n for which
   SHA-256(salt + n) is the challenge, and send it with the comment. Served by this
   site only; the page works without it, and the comment then waits for a moderator. */
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form || !window.crypto || !window.crypto.subtle || !window.fetch) { return; }
  var field = form.querySelector("input[name=altcha]");
  var status = form.querySelector(".comment-form__status");
  var solving = null;

  function hex(buffer) {
    var bytes = new Uint8Array(buffer), out = "";
    for (var i = 0; i < bytes.length; i++) { out += bytes[i].toString(16).padStart(2, "0"); }
    return out;
  }

  async function solve() {
    var response = await fetch(form.dataset.challenge, { credentials: "omit", cache: "no-store" });
    if (!response.ok) { return ""; }
    var challenge = await response.json();
    var encoder = new TextEncoder();
    for (var n = 0; n <= challenge.maxNumber; n++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n));
      if (hex(digest) === challenge.challenge) {
        return btoa(JSON.stringify({
          algorithm: challenge.algorithm, challenge: challenge.challenge, number: n,
          salt: challenge.salt, signature: challenge.signature
        }));
      }
    }
    return "";
  }

  function start() {
    if (solving) { return solving; }
    status.textContent = form.dataset.working;
    solving = solve().then(function (payload) {
      field.value = payload;
      status.textContent = payload ? form.dataset.done : "";
      return payload;
    }).catch(function () { status.textContent = ""; return ""; });
    return solving;
  }

  form.addEventListener("focusin", start, { once: true });
  form.addEventListener("submit", function (event) {
    if (field.value) { return; }
    event.preventDefault();
    start().then(function () { form.submit(); });
  });
})();
