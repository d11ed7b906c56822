// Outcome dashboard charts. Data comes from the json_script element "outcome-data"; every chart
// has a table fallback in the page, so nothing is lost without JavaScript.
(function () {
  "use strict";
  var source = document.getElementById("outcome-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = { miss: "#0b5ed7", open: "#b02a37" };
  var names = { miss: "MISS", open: "Open surgery" };
  var measures = { nrs_back: "back", nrs_leg: "leg", odi: "ODI" };

  function chart(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) {
      config.options = Object.assign({ responsive: true, animation: false }, config.options);
      canvas.chart = new Chart(canvas, config);
      canvas.dataset.rendered = "true";
    }
  }

  var stayDatasets = [];
  ["miss", "open"].forEach(function (group) {
    if (data.stay[group]) {
      stayDatasets.push({ label: names[group], data: data.stay[group], backgroundColor: colours[group] });
    }
  });
  chart("stay-chart", {
    type: "bar",
    data: { labels: data.stayBins.map(function (bin) { return bin + " nights"; }), datasets: stayDatasets },
    options: { scales: { y: { beginAtZero: true, title: { display: true, text: "Procedures" } } } },
  });

  function lines(keys, dashed) {
    var datasets = [];
    ["miss", "open"].forEach(function (group) {
      keys.forEach(function (measure) {
        datasets.push({
          label: names[group] + " " + measures[measure],
          data: data.trajectory[group][measure],
          borderColor: colours[group],
          backgroundColor: colours[group],
          borderDash: dashed[measure] ? [6, 4] : [],
          spanGaps: true,
        });
      });
    });
    return datasets;
  }
  chart("nrs-chart", {
    type: "line",
    data: { labels: data.points, datasets: lines(["nrs_back", "nrs_leg"], { nrs_back: true }) },
    options: { scales: { y: { min: 0, max: 10, title: { display: true, text: "Median NRS" } } } },
  });
  chart("odi-chart", {
    type: "line",
    data: { labels: data.points, datasets: lines(["odi"], {}) },
    options: { scales: { y: { min: 0, max: 100, title: { display: true, text: "Median ODI" } } } },
  });
})();
