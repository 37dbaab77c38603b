/* Progress of a background job (import, letter batch), without inline script so that the
   Content-Security-Policy can forbid them.
   Markup: an element with data-poll-url (a JSON endpoint); inside it, elements with
   data-field="<key>" receive data[key] (a <progress> gets it as its value). When the endpoint
   answers {"finished": true} the page reloads and the server renders the final state. */
(function () {
  "use strict";
  function watch(box) {
    var delay = parseInt(box.getAttribute("data-poll-interval") || "1000", 10);
    function tick() {
      fetch(box.getAttribute("data-poll-url"), {
        credentials: "same-origin",
        headers: {Accept: "application/json"}
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        if (data.finished) { window.location.reload(); return; }
        box.querySelectorAll("[data-field]").forEach(function (el) {
          var value = data[el.getAttribute("data-field")];
          if (value === undefined || value === null) { return; }
          if (el.tagName === "PROGRESS") { el.value = value; } else { el.textContent = value; }
        });
        setTimeout(tick, delay);
      }).catch(function () { setTimeout(tick, delay * 3); });
    }
    setTimeout(tick, delay);
  }
  document.querySelectorAll("[data-poll-url]").forEach(watch);
})();
