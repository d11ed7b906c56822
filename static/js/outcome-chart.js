// The patient page's outcome charts (templates/cases/_outcome_chart.html), one per treatment:
// each canvas's data-series is its index in the json_script data's "series". The
// Content-Security-Policy keeps scripts out of the HTML.
(function () {
  "use strict";
  var source = document.getElementById("outcome-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var all = JSON.parse(source.textContent).series;
  document.querySelectorAll("canvas[data-series]").forEach(function (canvas) {
    var data = all[Number(canvas.dataset.series)];
    if (data) {
      draw(canvas, data);
    }
  });

  function draw(canvas, data) {
    var baseline = data.baseline || {};
    var labels = ["Baseline"].concat(data.points.map(function (p) { return p.label; }));
    var series = {
      nrs_back: { label: "NRS back", color: "#0d6efd", axis: "nrs", dash: [] },
      nrs_leg: { label: "NRS leg", color: "#d63384", axis: "nrs", dash: [] },
      odi: { label: "ODI", color: "#198754", axis: "odi", dash: [6, 4] },
    };
    var datasets = [];
    Object.keys(series).forEach(function (key) {
      var s = series[key];
      var values = [baseline[key] === undefined ? null : baseline[key]].concat(
        data.points.map(function (p) { return p[key]; })
      );
      datasets.push({
        label: s.label,
        data: values,
        borderColor: s.color,
        backgroundColor: s.color,
        borderDash: s.dash,
        yAxisID: s.axis,
        spanGaps: true,
        tension: 0,
      });
      var band = data.bands && data.bands[key];
      if (band) {
        var upper = labels.map(function () { return band.upper; });
        var lower = labels.map(function () { return band.lower; });
        datasets.push({
          label: s.label + " baseline",
          data: upper,
          borderColor: s.color,
          borderWidth: 1,
          borderDash: [2, 2],
          pointRadius: 0,
          yAxisID: s.axis,
          isBand: true,
        });
        datasets.push({
          label: s.label + " MIC band",
          data: lower,
          borderColor: "transparent",
          backgroundColor: s.color + "22",
          pointRadius: 0,
          fill: "-1",
          yAxisID: s.axis,
          isBand: true,
        });
      }
    });
    new window.Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          nrs: { type: "linear", position: "left", min: 0, max: 10, title: { display: true, text: "NRS (0–10)" } },
          odi: { type: "linear", position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "ODI (0–100)" } },
        },
        plugins: {
          legend: {
            labels: {
              filter: function (item, chart) {
                return !chart.datasets[item.datasetIndex].isBand || /MIC band$/.test(item.text);
              },
            },
          },
        },
      },
    });
  }
})();
