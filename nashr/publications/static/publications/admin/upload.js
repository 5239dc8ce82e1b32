// "Insert an image or a PDF": the server adds the uploaded file's reference to the body
// when the form is saved, at the end; this tells it where the cursor was instead.
// The position is counted in characters (code points) with one per line break, as the
// server counts it (publications.admin_forms.insert_reference).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var body = document.getElementById("id_body");
  var file = document.getElementById("id_insert_file");
  var at = document.getElementById("id_insert_at");
  if (!body || !file || !at) {
    return;
  }
  var placed = false;
  ["focus", "click", "keyup", "select"].forEach(function (name) {
    body.addEventListener(name, function () {
      placed = true;
    });
  });
  body.form.addEventListener("submit", function () {
    if (!placed || !file.files || file.files.length === 0) {
      at.value = "";
      return;
    }
    var before = body.value.slice(0, body.selectionStart).replace(/\r\n/g, "\n");
    at.value = String(Array.from(before).length);
  });
});
