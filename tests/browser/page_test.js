// gpuledger's HTML pages as a person sees them: Debian's Chromium, driven by
// playwright-core, opens each page from file:// and this test checks that it
// loads with no console error and no request beyond the page itself, that
// every chart is drawn (an SVG with marks), that the headline figures are the
// ledger's (`gpuledger report --format json`, `compare --format csv`), that
// the data behind the charts adds up to the reports' totals, and that a
// screenshot is not blank (kept in GPULEDGER_ARTIFACTS). Pages: runs (a
// plan, one with failures, an SWF trace), a run group and two comparisons;
// then the same over HTTP from `gpuledger serve --http` (the index, a run,
// a group), and the page of a replay still running there, which must show
// its progress from /api/progress as it advances and reload when it ends.
//
//   node page_test.js                       replays its runs and checks their pages
//   node page_test.js --check PAGE REPORT.json TABLE.txt
//                                           checks one run's page against its report
//                                           (--by category, --format json and the table)
//
// Environment: GPULEDGER_BINARY, GPULEDGER_SOURCE_DIR, GPULEDGER_ARTIFACTS
// (default: a temporary folder), CHROMIUM (default /usr/bin/chromium).
"use strict";

const assert = require("assert");
const childProcess = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const zlib = require("zlib");
const readline = require("readline");
const { chromium } = require("playwright-core");

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
// As the machine's notes say: without the background-networking flags,
// Chromium tries to reach Google's hosts at every start.
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const CHARTS = ["usage", "jobs", "cost"];

// num / den (BigInts, not negative) to `places` decimals, half away from
// zero, with thousands separators: the table report's formatting.
function decimal(num, den, places) {
  const unit = 10n ** BigInt(places);
  const scaled = (num * unit * 2n + den) / (2n * den);
  const whole = (scaled / unit).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (places === 0) return whole;
  return whole + "." + (scaled % unit).toString().padStart(places, "0");
}
const dollars = (micro) => "$" + decimal(BigInt(micro), 1000000n, 2);

// Distinct byte values of a PNG's image data: a blank page has a handful.
function pngVariety(buffer) {
  const chunks = [];
  for (let at = 8; at < buffer.length;) {
    const length = buffer.readUInt32BE(at);
    const type = buffer.toString("ascii", at + 4, at + 8);
    if (type === "IDAT") chunks.push(buffer.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const pixels = zlib.inflateSync(Buffer.concat(chunks));
  return new Set(pixels).size;
}

function specOf(html, id) {
  const m = html.match(new RegExp(
    `<script type="application/json" data-chart="${id}">([\\s\\S]*?)</script>`));
  assert.ok(m, `the page has no spec for chart ${id}`);
  return JSON.parse(m[1]);
}

// Opens a page and checks what every page must: no console error, no
// request beyond the page, exactly the charts `charts` (ids), each drawn.
// Returns the open page and its HTML; `finish` takes the screenshot.
// `where` is a file, or an http:// URL (the page may then also ask for the
// URLs in `allowed`).
async function openPage(browser, where, name, charts, allowed = []) {
  const served = where.startsWith("http://");
  const url = served ? where : "file://" + path.resolve(where);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  const requests = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => {
    if (r.url() !== url && !allowed.includes(r.url())) requests.push(r.url());
  });
  const response = await page.goto(url);
  if (served) assert.strictEqual(response.status(), 200, `${name}: HTTP status`);
  const html = served ? await response.text() : fs.readFileSync(where, "utf8");
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.deepStrictEqual(errors, [], `${name}: console errors`);
  assert.deepStrictEqual(requests, [], `${name}: requests beyond the page`);
  page.gpuledgerErrors = errors;
  page.gpuledgerRequests = requests;
  const boxes = await page.$$eval(".chart", (els) => els.map((e) => ({
    id: e.id, rendered: e.dataset.rendered || "", error: e.dataset.error || "",
  })));
  assert.deepStrictEqual(boxes.map((b) => b.id), charts.map((c) => "chart-" + c),
    `${name}: the charts on the page`);
  for (const b of boxes) {
    assert.strictEqual(b.error, "", `${name}: ${b.id} failed`);
    assert.strictEqual(b.rendered, "true", `${name}: ${b.id} not drawn`);
  }
  return { page, html };
}

const count = (page, sel) => page.$$eval(sel, (els) => els.length);

async function headline(page) {
  return Object.fromEntries(await page.$$eval("dd[data-figure]", (els) =>
    els.map((e) => [e.dataset.figure, { text: e.textContent, exact: e.dataset.exact || "" }])));
}

async function finish(page, name, artifacts, what) {
  const shot = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  const variety = pngVariety(fs.readFileSync(shot));
  assert.ok(variety > 32, `${name}: the screenshot looks blank (${variety} distinct bytes)`);
  await page.close();
  console.log(`ok ${name}: ${what}; screenshot ${shot}`);
}

// The GPU-hours column of the table report's row `row` (its digits, as
// printed: the table rounds its rows together, so they add up).
function tableHours(table, row) {
  const line = table.split("\n").find((l) => l.startsWith(row + " "));
  assert.ok(line, `no row ${row} in the table`);
  return line.slice(row.length).trim().split(/\s+/)[0];
}

// A run's page against its report (JSON, and the table, by category).
async function checkPage(browser, where, report, name, artifacts, table) {
  const { page, html } = await openPage(browser, where, name, CHARTS);
  const usage = specOf(html, "usage");
  const jobs = specOf(html, "jobs");
  const cost = specOf(html, "cost");
  const series = usage.transform[0].fold;
  assert.ok(series.length >= 1, `${name}: no usage series`);
  assert.strictEqual(await count(page, "#chart-usage svg .mark-area.role-mark path"), series.length,
    `${name}: one area per usage series`);
  assert.strictEqual(await count(page, "#chart-jobs svg .mark-rect.role-mark path"), jobs.data.values.length,
    `${name}: one bar per job shown`);
  assert.ok(jobs.data.values.length >= 1, `${name}: no job bars`);
  assert.strictEqual(await count(page, "#chart-cost svg .mark-line.role-mark path"), 1,
    `${name}: the rental line`);
  const parts = cost.layer[0].transform[0].fold;
  assert.strictEqual(await count(page, "#chart-cost svg .mark-area.role-mark path"), parts.length,
    `${name}: one area per owned part`);

  // The headline figures: the ledger's, as the table prints them.
  const figures = await headline(page);
  const idle = report.rows.filter((r) => r.group === "idle").reduce((s, r) => s + r.gpu_seconds, 0);
  const expect = {
    gpu_hours: [tableHours(table, "all jobs"), `${report.jobs_total.gpu_seconds} GPU-seconds`],
    idle_gpu_hours: [tableHours(table, "idle"), `${idle} GPU-seconds`],
    rental_usd: [dollars(report.total.rental_micro_usd), `${report.total.rental_micro_usd} micro-USD`],
    owned_usd: [dollars(report.total.owned_micro_usd), `${report.total.owned_micro_usd} micro-USD`],
  };
  if (report.owned) {
    const o = report.owned;
    const capital = BigInt(Math.round(o.capital_usd * 1e6));
    expect.capital_usd = [dollars(capital), `${capital} micro-USD`];
    const fixed = o.depreciation_usd_per_gpu_hour + o.financing_usd_per_gpu_hour +
      o.operations_usd_per_gpu_hour;
    const u = (fixed + o.idle_energy_usd_per_gpu_hour) /
      (report.rental.usd_per_gpu_hour - o.busy_energy_usd_per_gpu_hour + o.idle_energy_usd_per_gpu_hour);
    expect.break_even = [u > 1 || u < 0 ? "never" : (100 * u).toFixed(2) + "%", ""];
  }
  if (report.metrics && report.metrics.utilization !== undefined) {
    expect.utilization = [(100 * report.metrics.utilization).toFixed(2) + "%", ""];
  }
  for (const [figure, [text, exact]] of Object.entries(expect)) {
    assert.ok(figures[figure], `${name}: headline figure ${figure} missing`);
    assert.strictEqual(figures[figure].text, text, `${name}: headline ${figure}`);
    assert.strictEqual(figures[figure].exact, exact, `${name}: headline ${figure} (exact)`);
  }

  // The data behind the charts adds up to the report's totals.
  let gpuSeconds = 0n;
  for (const row of usage.data.values) for (const k of series) gpuSeconds += BigInt(row[k]);
  const unused = report.rows.filter((r) => r.group === "unused term")
    .reduce((s, r) => s + BigInt(r.gpu_seconds), 0n);
  assert.strictEqual(gpuSeconds, BigInt(report.total.gpu_seconds) - unused,
    `${name}: the usage chart's GPU-seconds`);
  let rental = 0n;
  let owned = 0n;
  for (const row of cost.data.values) {
    rental += BigInt(row.r);
    for (const k of parts) owned += BigInt(row[k]);
  }
  assert.strictEqual(rental, BigInt(report.total.rental_micro_usd), `${name}: rental in the cost chart`);
  assert.strictEqual(owned, BigInt(report.total.owned_micro_usd), `${name}: owned in the cost chart`);
  await finish(page, name, artifacts, `${CHARTS.length} charts drawn, headline equal, sums equal`);
}

// The group table's formatting of a figure (report/format.cc GroupFigureValue).
function groupValue(name, v) {
  if (name === "goodput") return (100 * v).toFixed(2) + "%";
  if (["gpu_hours", "rental_usd", "owned_usd"].includes(name)) {
    return decimal(BigInt(Math.round(v * 100)), 100n, 2);
  }
  if (name === "interruptions") return v.toFixed(1);
  return v.toFixed(2);
}
const GROUP_FIGURES = ["makespan_days", "owned_usd", "rental_usd", "interruptions", "goodput",
  "gpu_hours"];

// A run group's page against `report --group G --format json`.
async function checkGroupPage(browser, where, report, name, artifacts) {
  const charts = GROUP_FIGURES.map((f) => "dist-" + f).concat(["interruptions"]);
  const { page, html } = await openPage(browser, where, name, charts);
  const figures = await headline(page);
  const stats = Object.fromEntries(report.stats.map((s) => [s.name, s]));
  for (const f of GROUP_FIGURES) {
    assert.ok(figures[f], `${name}: headline figure ${f} missing`);
    assert.strictEqual(figures[f].text, groupValue(f, stats[f].mean), `${name}: mean ${f}`);
    const spec = specOf(html, "dist-" + f);
    assert.strictEqual(spec.layer[0].data.values.length, report.runs.length,
      `${name}: one value per run in dist-${f}`);
    assert.ok(await count(page, `#chart-dist-${f} svg .mark-rect.role-mark path`) >= 1, `${name}: dist-${f} bars`);
    assert.strictEqual(await count(page, `#chart-dist-${f} svg .mark-rule.role-mark line`), 3,
      `${name}: p5, mean and p95 in dist-${f}`);
  }
  // Each run's figures are its own (the JSON's runs, by id).
  const runs = Object.fromEntries(report.runs.map((r) => [r.id, r]));
  for (const v of specOf(html, "dist-interruptions").layer[0].data.values) {
    assert.strictEqual(v.value, runs[v.run].interruptions, `${name}: run ${v.run} interruptions`);
  }
  for (const v of specOf(html, "dist-makespan_days").layer[0].data.values) {
    assert.strictEqual(Math.round(v.value * 86400), runs[v.run].makespan_seconds,
      `${name}: run ${v.run} makespan`);
  }
  // Interruptions over time: every stop of every run, once.
  let events = 0;
  for (const v of specOf(html, "interruptions").data.values) events += v.events;
  const stops = report.runs.reduce((s, r) => s + r.interruptions + r.planned_interruptions, 0);
  assert.strictEqual(events, stops, `${name}: interruptions over time`);
  assert.ok(await count(page, "#chart-interruptions svg .mark-rect.role-mark path") >= 1,
    `${name}: interruption bars`);
  await finish(page, name, artifacts, `${charts.length} charts drawn, means and runs equal`);
}

// A comparison's page against `compare --format csv` of the same replays.
async function checkComparePage(browser, where, csv, name, artifacts, varied = 0) {
  const lines = csv.trim().split("\n");
  const head = lines[0].split(",");
  // Strategy names may be quoted with commas inside: split on commas outside quotes.
  const rows = lines.slice(1).map((l) => {
    const cells = l.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, ""))
      .map((c) => c.startsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c);
    return Object.fromEntries(head.map((h, i) => [h, cells[i]]));
  });
  const committed = rows.some((r) => r.committed !== "");
  const dated = head.includes("cash_net_usd");
  const charts = ["strategies", "frontier"].concat(committed ? ["utilization"] : [])
    .concat(dated ? ["cash"] : []).concat(varied ? ["tornado"] : []);
  const { page, html } = await openPage(browser, where, name, charts);
  const stack = specOf(html, "strategies").data.values;
  const frontier = specOf(html, "frontier").data.values;
  assert.strictEqual(frontier.length, rows.length, `${name}: one point per strategy`);
  for (const r of rows) {
    let micro = 0n;
    for (const v of stack) if (v.strategy === r.strategy) micro += BigInt(v.micro_usd);
    assert.strictEqual(decimal(micro, 1000000n, 2).replace(/,/g, ""), r.total_usd,
      `${name}: ${r.strategy}'s parts add up to its total`);
    const point = frontier.find((p) => p.strategy === r.strategy);
    assert.ok(point, `${name}: ${r.strategy} on the frontier`);
    assert.strictEqual(BigInt(point.micro_usd), micro, `${name}: ${r.strategy}'s point`);
    assert.strictEqual((point.makespan_s / 86400).toFixed(4), r.makespan_days,
      `${name}: ${r.strategy}'s makespan`);
  }
  assert.strictEqual(await count(page, "#chart-strategies svg .mark-rect.role-mark path"), stack.length,
    `${name}: one bar part per strategy and part`);
  assert.strictEqual(await count(page, "#chart-frontier svg .mark-symbol.role-mark path"), rows.length,
    `${name}: one point per strategy`);
  if (dated) {
    // Each strategy's line ends at its net cash.
    const cash = specOf(html, "cash").data.values;
    for (const r of rows) {
      const months = cash.filter((v) => v.strategy === r.strategy);
      assert.ok(months.length > 0, `${name}: ${r.strategy} has a cash line`);
      assert.strictEqual(decimal(BigInt(months[months.length - 1].micro_usd), 1000000n, 2)
        .replace(/,/g, ""), r.cash_net_usd, `${name}: ${r.strategy}'s cumulative cash`);
    }
    assert.strictEqual(await count(page, "#chart-cash svg .mark-line.role-mark path"), rows.length,
      `${name}: one cash line per strategy`);
  }
  if (varied) {
    // One bar per assumption and strategy, from one end's cost to the other's.
    const bars = specOf(html, "tornado").data.values;
    assert.strictEqual(bars.length, varied * rows.length, `${name}: tornado bars`);
    // Drawn: a bar and a tick (also a rect) for each.
    assert.strictEqual(await count(page, "#chart-tornado svg .mark-rect.role-mark path"),
      2 * bars.length, `${name}: tornado bars and ticks drawn`);
  }
  const cheapest = rows.reduce((a, b) => (Number(b.total_usd) < Number(a.total_usd) ? b : a));
  const figures = await headline(page);
  assert.strictEqual(figures.cheapest.text, dollars(BigInt(Math.round(Number(cheapest.total_usd) * 100)) * 10000n),
    `${name}: the cheapest strategy's total`);
  await finish(page, name, artifacts, `${charts.length} charts drawn, totals equal`);
}

function gpuledger(args) {
  return childProcess.execFileSync(process.env.GPULEDGER_BINARY, args, { encoding: "utf8" });
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    if (process.argv[2] === "--check") {
      const [file, json] = process.argv.slice(3);
      const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), "gpuledger-page-"));
      // The table: the report's by category, run over the same ledger.
      const [, , table] = process.argv.slice(3);
      await checkPage(browser, file, JSON.parse(fs.readFileSync(json, "utf8")),
        path.basename(file, ".html"), artifacts, fs.readFileSync(table, "utf8"));
      return;
    }
    const source = process.env.GPULEDGER_SOURCE_DIR;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gpuledger-browser-"));
    const artifacts = process.env.GPULEDGER_ARTIFACTS || dir;
    fs.mkdirSync(artifacts, { recursive: true });
    const runs = [
      ["deepseek-v3-r1", [path.join(source, "traces/deepseek-v3-r1.textproto")]],
      ["deepseek-v3-r1-failures",
        [path.join(source, "traces/deepseek-v3-r1-failures.textproto"), "--seed", "3"]],
      ["lublin_256", [path.join(source, "tests/data/lublin_256.swf.gz"), "--policy", "easy"]],
    ];
    for (const [name, args] of runs) {
      const ledger = path.join(dir, `${name}.sqlite`);
      gpuledger(["replay", ...args, "--ledger", ledger]);
      const page = path.join(dir, `${name}.html`);
      gpuledger(["report", "--ledger", ledger, "--html", page]);
      const report = JSON.parse(gpuledger(["report", "--ledger", ledger, "--by", "category",
        "--format", "json"]));
      const table = gpuledger(["report", "--ledger", ledger, "--by", "category"]);
      await checkPage(browser, page, report, name, artifacts, table);
    }
    // A group over seeds, with failures (so interruptions).
    {
      const ledger = path.join(dir, "group.sqlite");
      gpuledger(["replay", path.join(source, "traces/deepseek-v3-r1-failures.textproto"),
        "--seeds", "8", "--ledger", ledger]);
      const page = path.join(dir, "group.html");
      gpuledger(["report", "--ledger", ledger, "--group", "1", "--html", page]);
      const report = JSON.parse(gpuledger(["report", "--ledger", ledger, "--group", "1",
        "--format", "json"]));
      await checkGroupPage(browser, page, report, "group-deepseek-v3-r1-failures", artifacts);
    }
    // Comparisons: the default strategies (on-demand, reserved, owned,
    // bursts) and an own-sizes sweep; the CSV of the same replays (the same
    // plan and seed replay the same) is what the page must show.
    for (const [name, extra] of [["compare-default", []],
      ["compare-own-sizes", ["--own-sizes", "512,1024,2048,4096"]]]) {
      const plan = path.join(source, "traces/deepseek-v3-r1.textproto");
      const page = path.join(dir, `${name}.html`);
      gpuledger(["compare", plan, ...extra, "--html", page]);
      const csv = gpuledger(["compare", plan, ...extra, "--format", "csv"]);
      await checkComparePage(browser, page, csv, name, artifacts);
    }
    // The roadmap: a dated comparison (its cash) with two assumptions varied.
    {
      const plan = path.join(source, "traces/roadmap-2024-2028.textproto");
      const args = [plan, "--strategies", path.join(source, "traces/strategies/roadmap.textproto"),
        "--horizon", "4y", "--discount-rate", "8%"];
      const page = path.join(dir, "compare-roadmap.html");
      gpuledger(["compare", ...args, "--vary", "purchase_price=0.5..1.5",
        "--vary", "spare_utilization=0..0.8", "--html", page]);
      const csv = gpuledger(["compare", ...args, "--format", "csv"]);
      await checkComparePage(browser, page, csv, "compare-roadmap", artifacts, 2);
    }
    await checkServed(browser, source, dir, artifacts);
  } finally {
    await browser.close();
  }
}

function startServer(ledger, source) {
  const proc = childProcess.spawn(process.env.GPULEDGER_BINARY,
    ["serve", "--ledger", ledger, "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0",
      "--traces-dir", path.join(source, "traces")],
    { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start")), 20000);
    const lines = readline.createInterface({ input: proc.stdout });
    let grpcAt = "";
    lines.on("line", (line) => {
      const g = /^listening on (\S+)/.exec(line);
      const h = /^web view on (http:\/\/\S+)/.exec(line);
      if (g) grpcAt = g[1];
      if (h) {
        clearTimeout(timer);
        resolve({ proc, grpcAt, web: h[1] });
      }
    });
    proc.on("exit", (code) => reject(new Error(`server exited (${code})`)));
  });
}

const call = (client, method, request) => new Promise((resolve, reject) => {
  client[method](request, { deadline: Date.now() + 30000 }, (e, r) => (e ? reject(e) : resolve(r)));
});

// The web view: the index, a run's page and a group's as above but over
// HTTP, and a replay that is still running.
async function checkServed(browser, source, dir, artifacts) {
  const grpc = require("@grpc/grpc-js");
  const protoLoader = require("@grpc/proto-loader");
  const ledger = path.join(dir, "served.sqlite");
  gpuledger(["replay", path.join(source, "traces/deepseek-v3-r1.textproto"), "--ledger", ledger]);
  gpuledger(["replay", path.join(source, "traces/deepseek-v3-r1-failures.textproto"),
    "--seeds", "3", "--ledger", ledger]);
  const sweep = ["--own-sizes", "512,1024,2048,4096"];
  const plan = path.join(source, "traces/deepseek-v3-r1.textproto");
  gpuledger(["compare", plan, ...sweep, "--ledger", ledger]);
  const { proc, grpcAt, web } = await startServer(ledger, source);
  try {
    // The index links every run and group.
    {
      const { page } = await openPage(browser, web, "served-index", []);
      const links = await page.$$eval("a", (els) => els.map((a) => a.getAttribute("href")));
      for (const l of ["/runs/1", "/runs/2", "/runs/4", "/groups/1", "/comparisons/1"]) {
        assert.ok(links.includes(l), `served-index: no link to ${l} (${links})`);
      }
      await finish(page, "served-index", artifacts, "every run and group linked");
    }
    const report = JSON.parse(gpuledger(["report", "--ledger", ledger, "--run", "1", "--by",
      "category", "--format", "json"]));
    await checkPage(browser, web + "runs/1", report, "served-run", artifacts,
      gpuledger(["report", "--ledger", ledger, "--run", "1", "--by", "category"]));
    const group = JSON.parse(gpuledger(["report", "--ledger", ledger, "--group", "1",
      "--format", "json"]));
    await checkGroupPage(browser, web + "groups/1", group, "served-group", artifacts);
    // The comparison as the ledger kept it; the same plan and seed replay
    // the same, so a fresh compare's CSV is what it must show.
    await checkComparePage(browser, web + "comparisons/1",
      gpuledger(["compare", plan, ...sweep, "--format", "csv"]), "served-comparison", artifacts);
    for (const [bad, status] of [["runs/99", 404], ["runs/0", 404], ["nothing", 404],
      ["runs/" + "9".repeat(300), 414]]) {
      const page = await browser.newPage();
      const r = await page.goto(web + bad);
      assert.strictEqual(r.status(), status, `served: ${bad}`);
      await page.close();
    }

    // A replay still running: a simulated day a second, so it runs for
    // minutes; its page shows its progress as it advances.
    const def = protoLoader.loadSync(path.join(source, "proto/gpuledger/v1/ledger_service.proto"),
      { keepCase: true, longs: Number, enums: String, defaults: true,
        includeDirs: [path.join(source, "proto")] });
    const v1 = grpc.loadPackageDefinition(def).gpuledger.v1;
    const replay = new v1.ReplayService(grpcAt, grpc.credentials.createInsecure());
    const run = await call(replay, "StartReplay", { plan_name: "deepseek-v3-r1", speed: 86400 });
    const id = run.name.split("/")[1];
    const progress = web + "api/progress";
    const url = web + "runs/" + id;
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors = [];
    const others = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => { if (r.url() !== url && r.url() !== progress) others.push(r.url()); });
    await page.goto(url);
    await page.waitForSelector('body[data-live-run]', { timeout: 10000 });
    await page.waitForSelector("#live[data-sim-time]", { timeout: 10000 });
    const first = Number(await page.$eval("#live", (e) => e.dataset.simTime));
    await page.waitForFunction((t) => Number(document.getElementById("live").dataset.simTime) > t,
      first, { timeout: 15000 });
    const later = Number(await page.$eval("#live", (e) => e.dataset.simTime));
    assert.ok(later > first, "served-running: progress did not advance");
    await page.screenshot({ path: path.join(artifacts, "served-running.png"), fullPage: true });
    // Stopped, the replay leaves the server's list: the page reloads, whole.
    await call(replay, "CancelReplay", { name: run.name });
    await page.waitForFunction(() => !document.body.dataset.liveRun &&
      document.body.dataset.ready === "true", null, { timeout: 15000 });
    assert.deepStrictEqual(errors, [], "served-running: console errors");
    assert.deepStrictEqual(others, [], "served-running: requests beyond the page and its progress");
    const status = await page.$eval(".sub", (e) => e.textContent);
    assert.ok(status.startsWith("cancelled"), `served-running: after the cancel: ${status}`);
    await page.close();
    console.log(`ok served-running: progress from day ${(first / 86400).toFixed(2)} to ` +
      `${(later / 86400).toFixed(2)} shown live; reloaded when cancelled`);
    replay.close();
  } finally {
    proc.kill("SIGTERM");
  }
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
