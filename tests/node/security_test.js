// A Node client (@grpc/grpc-js) of a `gpuledger serve` with TLS and tokens
// (docs/security.md): the certificate checked, a missing, a wrong and a
// read token refused with the codes a client can act on, a replay token
// let in, a request beyond --max-message-bytes refused.
'use strict';

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { startServer } = require('./serve.js');

const SOURCE = process.env.GPULEDGER_SOURCE_DIR;
const LOAD = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
const READ = 'node-read-token-0123456789';
const REPLAY = 'node-replay-token-0123456789';

// A CA and a server certificate for 127.0.0.1 it signed (the openssl command).
function makeCerts(dir) {
  const req = (name, ...extra) => {
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650',
                                    '-keyout', path.join(dir, `${name}.key`),
                                    '-out', path.join(dir, `${name}.crt`), ...extra]);
    assert.equal(r.status, 0, String(r.stderr));
  };
  req('ca', '-subj', '/CN=gpuledger node test CA');
  req('server', '-subj', '/CN=localhost', '-CA', path.join(dir, 'ca.crt'), '-CAkey', path.join(dir, 'ca.key'),
      '-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'extendedKeyUsage=serverAuth');
}

function bearer(token) {
  const md = new grpc.Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  return md;
}

const call = (client, method, request, token) => new Promise((resolve, reject) => {
  client[method](request, bearer(token), { deadline: Date.now() + 30000 },
                 (err, resp) => (err ? reject(err) : resolve(resp)));
});

async function refused(code, promise, what) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, code, `${what}: ${err.code} ${err.details}`);
    return true;
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpuledger_node_security_'));
  makeCerts(dir);
  const tokens = path.join(dir, 'tokens');
  fs.writeFileSync(tokens, `${READ} read\n${REPLAY} replay\n`, { mode: 0o600 });
  const { proc, address } = await startServer([
    '--ledger', path.join(dir, 'ledger.sqlite'), '--listen', '127.0.0.1:0',
    '--tls-cert', path.join(dir, 'server.crt'), '--tls-key', path.join(dir, 'server.key'),
    '--auth-tokens', tokens, '--max-message-bytes', '1048576']);
  try {
    const def = protoLoader.loadSync(path.join(SOURCE, 'proto/gpuledger/v1/ledger_service.proto'),
                                     { ...LOAD, includeDirs: [path.join(SOURCE, 'proto')] });
    const v1 = grpc.loadPackageDefinition(def).gpuledger.v1;
    const tls = grpc.credentials.createSsl(fs.readFileSync(path.join(dir, 'ca.crt')));
    const ledger = new v1.LedgerService(address, tls);
    const replay = new v1.ReplayService(address, tls);

    const S = grpc.status;
    await refused(S.UNAUTHENTICATED, call(ledger, 'ListRuns', {}), 'no token');
    await refused(S.UNAUTHENTICATED, call(ledger, 'ListRuns', {}, 'node-wrong-token-0123456789'),
                  'wrong token');
    assert.deepEqual((await call(ledger, 'ListRuns', {}, READ)).runs, []);
    await refused(S.PERMISSION_DENIED, call(replay, 'StartReplay', { plan_name: 'deepseek-v3-r1' }, READ),
                  'read token, StartReplay');
    await refused(S.PERMISSION_DENIED, call(replay, 'CancelReplay', { name: 'runs/1' }, READ),
                  'read token, CancelReplay');
    const run = await call(replay, 'StartReplay', { plan_name: 'deepseek-v3-r1' }, REPLAY);
    assert.equal(run.name, 'runs/1');
    await refused(S.RESOURCE_EXHAUSTED,
                  call(replay, 'StartReplay', { plan_text: `# ${'x'.repeat(2 << 20)}` }, REPLAY),
                  'a request beyond --max-message-bytes');
    // In the clear, the TLS port answers nothing.
    const plain = new v1.LedgerService(address, grpc.credentials.createInsecure());
    await refused(S.UNAVAILABLE, call(plain, 'ListRuns', {}, READ), 'a client in the clear');
    console.log('node security ok');
  } finally {
    proc.kill('SIGTERM');
    await new Promise((resolve) => proc.on('exit', resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
