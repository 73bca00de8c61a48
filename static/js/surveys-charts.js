/* Survey result charts: a bar chart per choice question and per column of the client rows, and the
   入退院連絡率 trend as lines. The tables beside each chart hold the same numbers. */
(function () {
  "use strict";
  var source = document.getElementById("surveys-chart-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  data.charts.forEach(function (c) {
    var el = document.getElementById(c.id);
    if (!el) return;
    new Chart(el, {
      type: "bar",
      data: { labels: c.labels, datasets: [{ label: "件数", data: c.counts, backgroundColor: "#0017c1" }] },
      options: c.vertical
        ? { responsive: true, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
        : { indexAxis: "y", responsive: true, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  });
  if (data.trend) {
    var el = document.getElementById(data.trend.id);
    if (el) {
      new Chart(el, {
        type: "line",
        data: {
          labels: data.trend.labels,
          datasets: [
            { label: "入院時連絡率", data: data.trend.admission, borderColor: "#0017c1", backgroundColor: "#0017c1" },
            { label: "退院時連絡率", data: data.trend.discharge, borderColor: "#c15700", backgroundColor: "#c15700", borderDash: [6, 3] }
          ]
        },
        options: { responsive: true, scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } } }
      });
    }
  }
})();
