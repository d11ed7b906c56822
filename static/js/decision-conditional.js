// Candidacy decision: a field that applies only sometimes is shown only then, and disabled
// (so not sent) otherwise. The planned procedure date goes with a plan for surgery; on the
// consult page, where the decision is recorded with the consult, the red-flag acknowledgment
// with a ticked red flag.
(function () {
  "use strict";

  function show(input, on) {
    var wrapper = input.closest(".mb-3") || input.parentElement;
    wrapper.hidden = !on;
    input.disabled = !on;
  }

  var outcome = document.getElementById("id_outcome");
  var planned = document.querySelector("[data-for-outcomes]");
  if (outcome && planned) {
    var surgical = planned.dataset.forOutcomes.split(" ");
    var updatePlanned = function () {
      show(planned, surgical.indexOf(outcome.value) !== -1);
    };
    outcome.addEventListener("change", updatePlanned);
    updatePlanned();
  }

  var acknowledgment = document.querySelector("[data-for-red-flags]");
  var flags = document.querySelectorAll("input[type=checkbox][name^=red_flag_]");
  if (acknowledgment && flags.length) {
    var updateAcknowledgment = function () {
      var any = Array.prototype.some.call(flags, function (flag) {
        return flag.checked;
      });
      show(acknowledgment, any);
    };
    flags.forEach(function (flag) {
      flag.addEventListener("change", updateAcknowledgment);
    });
    updateAcknowledgment();
  }
})();
