// "My progress" (templates/cases/my_progress.html): the patient's back pain, leg pain and ODI at
// each check-in, their baseline first, drawn from the json_script data; the same numbers are in
// the table below the chart. The Content-Security-Policy keeps scripts out of the HTML.
(function () {
  "use strict";
  var source = document.getElementById("my-progress-data");
  var canvas = document.getElementById("my-progress-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var text = data.text; // the words, translated by the page (cases/views_progress.py)
  var measures = [
    { key: "nrs_back", label: text.nrs_back, color: "#0d6efd", axis: "nrs", dash: [] },
    { key: "nrs_leg", label: text.nrs_leg, color: "#d63384", axis: "nrs", dash: [] },
    { key: "odi", label: text.odi, color: "#198754", axis: "odi", dash: [6, 4] },
  ];
  var datasets = [];
  measures.forEach(function (m) {
    datasets.push({
      label: m.label,
      data: data[m.key],
      borderColor: m.color,
      backgroundColor: m.color,
      borderDash: m.dash,
      yAxisID: m.axis,
      spanGaps: true,
      tension: 0,
    });
    // The baseline as a faint line across the chart: each answer reads against it.
    if (data.baseline && data.baseline[m.key] !== null && data.baseline[m.key] !== undefined) {
      datasets.push({
        label: text.before.replace("%(measure)s", m.label),
        data: data.labels.map(function () { return data.baseline[m.key]; }),
        borderColor: m.color,
        borderWidth: 1,
        borderDash: [2, 2],
        pointRadius: 0,
        yAxisID: m.axis,
        isBaseline: true,
      });
    }
  });
  new window.Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets: datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        nrs: { type: "linear", position: "left", min: 0, max: 10, title: { display: true, text: text.pain_axis } },
        odi: { type: "linear", position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: text.odi_axis } },
      },
      plugins: {
        legend: {
          labels: {
            filter: function (item, chart) {
              return !chart.datasets[item.datasetIndex].isBaseline;
            },
          },
        },
      },
    },
  });
})();
