// Tables that scroll sideways on a narrow screen must be reachable with the keyboard
// (RGAA 7.3, axe "scrollable-region-focusable"): make every DSFR table focusable, named by
// its caption, so that arrow keys scroll it.
(function () {
  "use strict";
  function label(table) {
    var caption = table.querySelector("caption");
    return caption ? caption.textContent.trim() : "Tableau";
  }
  function makeFocusable() {
    document.querySelectorAll(".fr-table table, table.sp-scroll").forEach(function (table) {
      if (!table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        if (!table.hasAttribute("aria-label")) table.setAttribute("aria-label", label(table));
      }
    });
    document.querySelectorAll(".fr-table__wrapper, .fr-table__container").forEach(function (box) {
      if (!box.hasAttribute("tabindex") && box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", makeFocusable);
  } else {
    makeFocusable();
  }
  window.addEventListener("resize", makeFocusable);
})();
