/* The 見える化 page's chart: one indicator's rate per 1,000 people aged 65+ for each 圏域, with the
   city's rate as a line. The table above holds every number; a 圏域 below the city's rate says so
   in its label (▼ before the name), not by its colour alone. */
(function () {
  "use strict";
  var source = document.getElementById("areas-chart-data");
  var canvas = document.getElementById("chart-areas");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  var cityRate = data.cities.length === 1 ? data.cities[0][1] : null;

  // The number at each bar's end, and the city's rate as a dashed line across the bars.
  var marks = {
    id: "areaMarks",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = "12px " + Chart.defaults.font.family;
      ctx.fillStyle = "#1a1a1a";
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      chart.getDatasetMeta(0).data.forEach(function (bar, i) {
        var value = chart.data.datasets[0].data[i];
        ctx.fillText(value === null ? "—" : value.toFixed(1), bar.x + 4, bar.y);
      });
      if (cityRate !== null) {
        var x = chart.scales.x.getPixelForValue(cityRate);
        ctx.strokeStyle = "#1a1a1a";
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(x, chart.chartArea.top);
        ctx.lineTo(x, chart.chartArea.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.textAlign = "center";
        ctx.textBaseline = "bottom";
        ctx.fillText("市全体 " + cityRate.toFixed(1), x, chart.chartArea.top - 2);
      }
      ctx.restore();
    }
  };

  // Tall enough for every 圏域 on its own line.
  var box = document.createElement("div");
  box.className = "chart-canvas";
  box.style.height = (data.bars.length * 28 + 100) + "px";
  canvas.parentNode.insertBefore(box, canvas);
  box.appendChild(canvas);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.bars.map(function (b) { return b[0]; }),
      datasets: [{
        label: "65歳以上千人あたり",
        data: data.bars.map(function (b) { return b[1]; }),
        backgroundColor: data.bars.map(function (b) { return b[2] ? "#e25100" : "#0017c1"; })
      }]
    },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      layout: { padding: { right: 40, top: 8 } },
      plugins: {
        legend: { display: false },
        title: { display: true, text: data.title, font: { size: 14, weight: "bold" }, padding: { bottom: 18 } }
      },
      scales: {
        x: { beginAtZero: true, title: { display: true, text: "65歳以上人口千人あたり" } },
        // A long name is shortened at its end (the table has it in full); ▼ marks a 圏域 below the city.
        y: { ticks: { autoSkip: false, callback: function (value) { var t = this.getLabelForValue(value); return t.length > 12 ? t.slice(0, 11) + "…" : t; } } }
      }
    },
    plugins: [marks]
  });
})();
