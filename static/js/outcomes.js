// Outcome dashboard charts. Data, styles and axes come from the json_script element
// "outcome-data" (cases.charts.dashboard_charts): labels of at least 12 px, a colour, marker and
// dash per series, headroom on the count axis. Legends are HTML in the page; every chart has a
// table beside or below it, so nothing is lost without JavaScript.
(function () {
  "use strict";
  var source = document.getElementById("outcome-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  Chart.defaults.font.size = data.text.font.size;
  Chart.defaults.color = data.text.color;

  function chart(id, type, spec, datasetDefaults) {
    var canvas = document.getElementById(id);
    if (!canvas) {
      return;
    }
    canvas.chart = new Chart(canvas, {
      type: type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (dataset) {
          return Object.assign({}, datasetDefaults, dataset);
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        layout: { padding: { top: 8 } },
        interaction: { mode: "index", intersect: false },
        scales: spec.scales,
        plugins: {
          legend: { display: false },
          tooltip: { titleFont: data.text.font, bodyFont: data.text.font, usePointStyle: true },
        },
      },
    });
    canvas.dataset.rendered = "true";
  }

  chart("stay-chart", "bar", data.stay, {});
  var line = { spanGaps: true, pointRadius: 4, pointHoverRadius: 6, borderWidth: 2.5 };
  chart("nrs-chart", "line", data.nrs, line);
  chart("odi-chart", "line", data.odi, line);
})();
