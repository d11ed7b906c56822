// Education pages: behaviour that the Content-Security-Policy keeps out of the HTML.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
