// The patient's check-in: a "since" date is shown only while its question is answered "Yes".
// Without JavaScript every date stays visible and the server ignores those that do not apply.
(function () {
  "use strict";
  document.querySelectorAll("[data-shown-if]").forEach(function (block) {
    var form = block.closest("form");
    var radios = form.querySelectorAll('input[name="' + block.dataset.shownIf + '"]');
    function update() {
      var chosen = form.querySelector('input[name="' + block.dataset.shownIf + '"]:checked');
      block.hidden = !chosen || chosen.value !== block.dataset.shownValue;
    }
    radios.forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  });
})();
