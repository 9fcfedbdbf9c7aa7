// Progressive help only: every page works without script.
// Filters apply as soon as a choice changes.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.filters");
  if (!form) { return; }
  form.querySelectorAll("select").forEach(function (select) {
    select.addEventListener("change", function () { form.submit(); });
  });
});
