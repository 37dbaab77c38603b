/* Commission docket: each decision panel shows only the fields its chosen outcome needs.
   Markup: a form with data-decision-panel, radio inputs named "outcome", and blocks with
   data-show-for="<outcome> <outcome>…". Hidden blocks are disabled, so they are not sent;
   without JavaScript every field stays visible and the server checks the same rules. */
(function () {
  "use strict";
  function sync(form) {
    var checked = form.querySelector("input[name='outcome']:checked");
    var value = checked ? checked.value : "";
    form.querySelectorAll("[data-show-for]").forEach(function (block) {
      var show = value !== "" && block.getAttribute("data-show-for").split(" ").indexOf(value) >= 0;
      block.hidden = !show;
      block.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = !show;
      });
    });
    var capacity = form.querySelector("[name='capacity']");
    if (capacity) { capacity.required = value === "affecte"; }
    var reason = form.querySelector("[name='reason']");
    if (reason) { reason.required = value === "liste_attente" || value === "non_affecte"; }
  }
  document.querySelectorAll("[data-decision-panel]").forEach(function (form) {
    form.addEventListener("change", function () { sync(form); });
    sync(form);
  });
})();
