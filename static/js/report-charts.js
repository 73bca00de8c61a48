/* Charts beside the report tables (the tables hold every number; the charts only show them).
   Each chart carries its title, every bar its category label (no label skipped) and its number
   written at the bar, so a printed chart reads without the table beside it. */
(function () {
  "use strict";
  var source = document.getElementById("report-chart-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var titles = data.titles || {};
  var palette = ["#0017c1", "#00a3bf", "#e25100", "#259d63", "#9d3ace", "#b78f00", "#ec0000", "#666666"];
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  // Writes each bar's number at its end (stacked bars: inside the segment, when it is not 0).
  var barValues = {
    id: "barValues",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var horizontal = chart.options.indexAxis === "y";
      var stacked = chart.options.scales && chart.options.scales.x && chart.options.scales.x.stacked;
      ctx.save();
      ctx.font = "12px " + Chart.defaults.font.family;
      chart.data.datasets.forEach(function (dataset, i) {
        var meta = chart.getDatasetMeta(i);
        if (meta.hidden) return;
        meta.data.forEach(function (bar, j) {
          var value = dataset.data[j];
          if (stacked && !value) return;
          var text = String(value);
          if (horizontal) {
            ctx.fillStyle = "#1a1a1a";
            ctx.textAlign = "left";
            ctx.textBaseline = "middle";
            ctx.fillText(text, bar.x + 4, bar.y);
          } else if (stacked) {
            ctx.fillStyle = "#ffffff";
            ctx.textAlign = "center";
            ctx.textBaseline = "middle";
            ctx.fillText(text, bar.x, (bar.y + bar.base) / 2);
          } else {
            ctx.fillStyle = "#1a1a1a";
            ctx.textAlign = "center";
            ctx.textBaseline = "bottom";
            ctx.fillText(text, bar.x, bar.y - 2);
          }
        });
      });
      ctx.restore();
    }
  };

  function title(text) {
    return { display: !!text, text: text || "", font: { size: 14, weight: "bold" } };
  }

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
      options: {
        responsive: true,
        plugins: { title: title(titles.monthly) },
        scales: {
          x: { stacked: true, ticks: { autoSkip: false } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "件数" } }
        }
      },
      plugins: [barValues]
    });
  }
  function bars(id, rows, color, text) {
    var el = document.getElementById(id);
    if (!el) return;
    // Tall enough for every label on its own line (no label skipped or crammed).
    var box = document.createElement("div");
    box.className = "chart-canvas";
    box.style.height = (rows.length * 24 + 80) + "px";
    el.parentNode.insertBefore(box, el);
    box.appendChild(el);
    new Chart(el, {
      type: "bar",
      data: { labels: rows.map(function (r) { return r[0]; }), datasets: [{ label: "件数", data: rows.map(function (r) { return r[1]; }), backgroundColor: color }] },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        layout: { padding: { right: 32 } },
        plugins: { legend: { display: false }, title: title(text) },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "件数" } },
          // A long item name (在宅医療の後方支援（急変時の…）) is shortened at its end, not cut at its
          // start by the chart's edge; the table beside the chart has it in full.
          y: { ticks: { autoSkip: false, callback: function (value) { var t = this.getLabelForValue(value); return t.length > 18 ? t.slice(0, 17) + "…" : t; } } }
        }
      },
      plugins: [barValues]
    });
  }
  bars("chart-types", data.types, "#0017c1", titles.types);
  bars("chart-topics", data.topics, "#00a3bf", titles.topics);
})();
