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
})();
