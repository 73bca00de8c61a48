/* Survey charts: one bar chart per rating question (the tables beside them hold the numbers). */
(function () {
  "use strict";
  var source = document.getElementById("survey-chart-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  data.questions.forEach(function (q) {
    var el = document.getElementById(q.id);
    if (!el) return;
    new Chart(el, {
      type: "bar",
      data: { labels: data.scale, datasets: [{ label: "件数", data: q.counts, backgroundColor: "#0017c1" }] },
      options: { responsive: true, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  });
})();
