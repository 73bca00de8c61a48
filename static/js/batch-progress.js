// The progress bar of an import batch: polls the batch's progress URL and updates the bar;
// reloads the page once the step is over so that its result shows.
(function () {
  var box = document.querySelector("[data-batch-progress]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("[data-batch-bar]");
  var phase = box.querySelector("[data-batch-phase]");
  var status = box.querySelector("[data-batch-status]");
  var count = box.querySelector("[data-batch-count]");
  var waiting = box.querySelector("[data-batch-waiting]");
  function tick() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (!p.running) { window.location.reload(); return; }
        status.textContent = p.status_label;
        if (waiting) waiting.hidden = !p.waiting;
        phase.textContent = p.phase;
        if (p.total) {
          bar.max = p.total;
          bar.value = p.done;
          bar.textContent = p.percent + "%";
          count.textContent = p.done.toLocaleString("ja-JP") + " ／ " + p.total.toLocaleString("ja-JP");
        } else {
          count.textContent = p.done ? p.done.toLocaleString("ja-JP") : "";
        }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 500);
})();
