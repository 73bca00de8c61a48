/* Charts beside the report tables (the tables hold every number; the charts only show them). */
(function () {
  "use strict";
  var source = document.getElementById("report-chart-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var palette = ["#0017c1", "#00a3bf", "#e25100", "#259d63", "#9d3ace", "#b78f00", "#ec0000", "#666666"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  var monthly = document.getElementById("chart-monthly");
  if (monthly) {
    new Chart(monthly, {
      type: "bar",
      data: {
        labels: data.months,
        datasets: data.centers.map(function (code, i) {
          return { label: code, data: data.monthly.map(function (row) { return row[i]; }), backgroundColor: palette[i % palette.length] };
        })
      },
      options: { responsive: true, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  function bars(id, rows, color) {
    var el = document.getElementById(id);
    if (!el) return;
    new Chart(el, {
      type: "bar",
      data: { labels: rows.map(function (r) { return r[0]; }), datasets: [{ label: "件数", data: rows.map(function (r) { return r[1]; }), backgroundColor: color }] },
      options: { indexAxis: "y", responsive: true, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  bars("chart-types", data.types, "#0017c1");
  bars("chart-topics", data.topics, "#00a3bf");
})();
