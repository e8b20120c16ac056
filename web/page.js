// Draws each chart of the page (web/page.html) from the Vega-Lite spec
// beside it. When every chart has been drawn, or has failed, <body> gets
// data-ready="true"; a chart drawn gets data-rendered="true", one that failed
// data-error and a console error.
(function () {
  "use strict";
  const specs = document.querySelectorAll('script[type="application/json"][data-chart]');
  const drawn = [];
  for (const script of specs) {
    const id = script.dataset.chart;
    const box = document.getElementById("chart-" + id);
    let spec;
    try {
      spec = JSON.parse(script.textContent);
    } catch (e) {
      box.dataset.error = String(e);
      console.error("chart " + id + ": " + e);
      continue;
    }
    drawn.push(
      vegaEmbed(box, spec, { actions: false, renderer: "svg" })
        .then(function () { box.dataset.rendered = "true"; })
        .catch(function (e) {
          box.dataset.error = String(e);
          console.error("chart " + id + ": " + e);
        }));
  }
  Promise.all(drawn).then(function () { document.body.dataset.ready = "true"; });

  // Served by `gpuledger serve --http` only: a replay still running shows
  // its progress, asked of the server every second; its page reloads when
  // it has ended. A page written to a file has neither, and asks nothing.
  const live = document.body.dataset.liveRun;
  const cells = document.querySelectorAll("[data-progress-run]");
  if (!live && cells.length === 0) return;
  const usd = function (micro) {
    return (micro / 1e6).toLocaleString("en-US", { style: "currency", currency: "USD" });
  };
  const text = function (r) {
    return "simulated day " + (r.sim_time_seconds / 86400).toFixed(2) + ", " + r.jobs_done +
      " of " + r.jobs_total + " jobs done, rental so far " + usd(r.rental_micro_usd);
  };
  const poll = function () {
    fetch("/api/progress", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        const byRun = {};
        for (const r of progress.replays) byRun[r.run] = r;
        if (live) {
          const r = byRun[live];
          if (!r) { location.reload(); return; }
          const banner = document.getElementById("live");
          banner.textContent = "run " + live + " is still running: " + text(r) +
            "; the figures below are partial (reload for more)";
          banner.dataset.simTime = String(r.sim_time_seconds);
        }
        for (const cell of cells) {
          const r = byRun[cell.dataset.progressRun];
          cell.textContent = r ? text(r) : "ended: reload for its figures";
          if (r) cell.dataset.simTime = String(r.sim_time_seconds);
        }
        setTimeout(poll, 1000);
      })
      .catch(function (e) {
        console.error("progress: " + e);
        setTimeout(poll, 5000);
      });
  };
  poll();
})();
