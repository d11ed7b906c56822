// Candidacy decision: choosing MISS ticks "Give the patient the MISS article"; another outcome
// unticks it (the article goes to MISS candidates only). The specialist may still untick it.
(function () {
  "use strict";
  var box = document.querySelector("[data-ticked-for-outcome]");
  var outcome = document.getElementById("id_outcome");
  if (!box || !outcome) {
    return;
  }
  outcome.addEventListener("change", function () {
    box.checked = outcome.value === box.dataset.tickedForOutcome;
  });
})();
