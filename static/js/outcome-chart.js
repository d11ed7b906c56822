// The patient page's outcome charts (templates/cases/_outcome_chart.html), one per treatment:
// each canvas's data-series is its index in the json_script data's "series". The
// Content-Security-Policy keeps scripts out of the HTML. Styles, axes and label sizes come with
// the data (cases.charts.outcome_chart); the legend is HTML in the page.
(function () {
  "use strict";
  var source = document.getElementById("outcome-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var chartData = JSON.parse(source.textContent);
  var all = chartData.series;
  window.Chart.defaults.font.size = chartData.text.font.size;
  window.Chart.defaults.color = chartData.text.color;
  document.querySelectorAll("canvas[data-series]").forEach(function (canvas) {
    var data = all[Number(canvas.dataset.series)];
    if (data) {
      draw(canvas, data);
    }
  });

  function draw(canvas, data) {
    var baseline = data.baseline || {};
    var words = chartData.words;
    var labels = [words.baseline].concat(data.points.map(function (p) { return p.label; }));
    var series = chartData.measures;
    var datasets = [];
    Object.keys(series).forEach(function (key) {
      var s = series[key];
      var values = [baseline[key] === undefined ? null : baseline[key]].concat(
        data.points.map(function (p) { return p[key]; })
      );
      datasets.push({
        label: s.label,
        data: values,
        borderColor: s.borderColor,
        backgroundColor: s.backgroundColor,
        borderDash: s.borderDash,
        borderWidth: 2.5,
        pointStyle: s.pointStyle,
        pointRadius: 4,
        yAxisID: key === "odi" ? "odi" : "nrs",
        spanGaps: true,
        tension: 0,
      });
      var band = data.bands && data.bands[key];
      if (band) {
        var upper = labels.map(function () { return band.upper; });
        var lower = labels.map(function () { return band.lower; });
        datasets.push({
          label: words.band_upper.replace("%(measure)s", s.label),
          data: upper,
          borderColor: s.borderColor,
          borderWidth: 1,
          borderDash: [2, 2],
          pointRadius: 0,
          yAxisID: key === "odi" ? "odi" : "nrs",
          isBand: true,
        });
        datasets.push({
          label: words.band_lower.replace("%(measure)s", s.label),
          data: lower,
          borderColor: "transparent",
          backgroundColor: s.borderColor + "33",
          pointRadius: 0,
          fill: "-1",
          yAxisID: key === "odi" ? "odi" : "nrs",
          isBand: true,
        });
      }
    });
    canvas.dataset.rendered = "true";
    new window.Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        layout: { padding: { top: 8 } },
        scales: chartData.scales,
        plugins: {
          legend: { display: false },
          tooltip: {
            titleFont: chartData.text.font,
            bodyFont: chartData.text.font,
            usePointStyle: true,
            filter: function (item) {
              return !item.dataset.isBand;
            },
          },
        },
      },
    });
  }
})();
