// Education pages: behaviour that the Content-Security-Policy keeps out of the HTML.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

// A link to a form folded in a <details> ("I have a question" at the top of an assigned article)
// unfolds it and puts the cursor in its first field. Chromium also unfolds it by itself.
(function () {
  "use strict";
  document.querySelectorAll('a[href^="#"]').forEach(function (link) {
    var target = document.getElementById(link.getAttribute("href").slice(1));
    var details = target && target.closest("details[data-opens-on-link]");
    if (!details) {
      return;
    }
    link.addEventListener("click", function () {
      details.open = true;
      var field = target.querySelector("textarea, input:not([type=hidden])");
      if (field) {
        window.setTimeout(function () {
          field.focus();
        }, 0);
      }
    });
  });
})();
