// Times how long gpuledger's HTML page takes to render in Debian's Chromium
// (bench/README.md): from navigation to every chart drawn (body
// data-ready="true", set by web/page.js), over fresh tabs, median of --runs.
//
//   NODE_PATH=build/browser/node_modules node bench/page_render.js PAGE.html [--runs 5]
//
// playwright-core comes from the browser test's install (ctest
// browser.install, or npm ci in build/browser).
"use strict";
const path = require("path");
const { chromium } = require("playwright-core");

async function main() {
  const file = process.argv[2];
  const at = process.argv.indexOf("--runs");
  const runs = at > 0 ? Number(process.argv[at + 1]) : 5;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const times = [];
  for (let i = 0; i < runs; ++i) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const t0 = process.hrtime.bigint();
    await page.goto("file://" + path.resolve(file));
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const failed = await page.$$eval(".chart[data-error]", (els) => els.length);
    if (failed > 0) throw new Error(`${failed} charts failed to draw`);
    await page.close();
  }
  await browser.close();
  times.sort((a, b) => a - b);
  console.log(`render,${runs},${times[Math.floor(times.length / 2)].toFixed(3)},` +
    `${times[0].toFixed(3)},${times[times.length - 1].toFixed(3)}`);
}
main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
