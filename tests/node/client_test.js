// Node gRPC clients of `gpuledger serve`: one that knows nothing but the
// server's address (reflection, via grpc-js-reflection-client) and one built
// from the project's .proto files (@grpc/proto-loader). Both must see the
// figures the CLI prints for the same ledger.
'use strict';

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { startServer } = require('./serve.js');
const { GrpcReflection } = require('grpc-js-reflection-client');

const BINARY = process.env.GPULEDGER_BINARY;
const SOURCE = process.env.GPULEDGER_SOURCE_DIR;
const LOAD = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

const call = (client, method, request) => new Promise((resolve, reject) => {
  client[method](request, { deadline: Date.now() + 30000 }, (err, resp) => (err ? reject(err) : resolve(resp)));
});

function watch(client, name) {
  return new Promise((resolve, reject) => {
    const messages = [];
    const stream = client.WatchReplay({ name }, { deadline: Date.now() + 60000 });
    stream.on('data', (m) => messages.push(m));
    stream.on('error', reject);
    stream.on('end', () => resolve(messages));
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpuledger_node_'));
  const ledger = path.join(dir, 'ledger.sqlite');
  const { proc, address } = await startServer(['--ledger', ledger, '--listen', '127.0.0.1:0']);
  const creds = grpc.credentials.createInsecure();
  try {
    // 1. Reflection only: list, describe, and call through the descriptors.
    const reflection = new GrpcReflection(address, creds);
    const services = await reflection.listServices();
    for (const s of ['gpuledger.v1.LedgerService', 'gpuledger.v1.ReplayService', 'grpc.health.v1.Health']) {
      assert.ok(services.includes(s), `${s} not listed: ${services}`);
    }
    const methods = (await reflection.listMethods('gpuledger.v1.ReplayService')).map((m) => m.name);
    assert.deepEqual(methods.sort(), ['CancelReplay', 'CompareStrategies', 'StartReplay', 'WatchReplay']);
    const reflected = (await reflection.getDescriptorBySymbol('gpuledger.v1.ReplayService'))
      .getPackageObject(LOAD).gpuledger.v1;
    const replay = new reflected.ReplayService(address, creds);
    const run = await call(replay, 'StartReplay', { plan_name: 'deepseek-v3-r1', speed: 86400 * 30 });
    assert.equal(run.state, 'RUNNING');
    const messages = await watch(replay, run.name);
    const final = messages[messages.length - 1];
    assert.equal(final.final, true);
    assert.equal(final.state, 'COMPLETE');
    assert.ok(messages.length >= 3, `only ${messages.length} progress messages`);

    // 2. From the project's .proto files.
    const def = protoLoader.loadSync(path.join(SOURCE, 'proto/gpuledger/v1/ledger_service.proto'),
                                     { ...LOAD, includeDirs: [path.join(SOURCE, 'proto')] });
    const v1 = grpc.loadPackageDefinition(def).gpuledger.v1;
    const ledgerClient = new v1.LedgerService(address, creds);
    const report = await call(ledgerClient, 'GetCostReport', { name: run.name, group_by: 'GROUP_BY_PROJECT' });

    // Both agree with the CLI on the same ledger file.
    const cli = spawnSync(BINARY, ['report', '--ledger', ledger, '--run', run.name.split('/')[1],
                                   '--by', 'project', '--format', 'json'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const local = JSON.parse(cli.stdout);
    assert.deepEqual(report.rows.map((r) => r.group), local.rows.map((r) => r.group));
    report.rows.forEach((r, i) => {
      assert.equal(r.gpu_seconds, String(local.rows[i].gpu_seconds));
      assert.equal(r.rental_micro_usd, String(local.rows[i].rental_micro_usd));
      assert.equal(r.owned_micro_usd, String(local.rows[i].owned_micro_usd));
    });
    assert.equal(final.rental_micro_usd, report.total.rental_micro_usd);
    assert.equal(report.capital_micro_usd, String(51200000 * 1e6));
    console.log(`node clients ok: ${messages.length} messages, R1 rental $${
      Number(report.rows[1].rental_micro_usd) / 1e6}`);
  } finally {
    proc.kill('SIGTERM');
    const code = await new Promise((resolve) => proc.on('exit', resolve));
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, 'server exit code after SIGTERM');
  }
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
