// The title, summary and body take their direction from the publication's language,
// not from the admin's: flip them when the language is changed on the add form.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("id_language");
  if (!select || select.tagName !== "SELECT") {
    return;
  }
  var rtl = (select.getAttribute("data-rtl-languages") || "").split(" ");
  select.addEventListener("change", function () {
    var language = select.value;
    var dir = rtl.indexOf(language) >= 0 ? "rtl" : "ltr";
    document.querySelectorAll("[data-content-field]").forEach(function (field) {
      field.setAttribute("lang", language);
      field.setAttribute("dir", dir);
    });
  });
});
