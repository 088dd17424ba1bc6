/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
  // Filters start folded on narrow screens so the results come first.
  if (window.matchMedia && window.matchMedia("(max-width: 1000px)").matches) {
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (el) {
      el.removeAttribute("open");
    });
  }
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      select.form.submit();
    }
  });
})();
