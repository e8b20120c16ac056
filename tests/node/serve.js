// Starts `gpuledger serve ARGS...` (the binary in $GPULEDGER_BINARY) and
// resolves to { proc, address } once it prints "listening on HOST:PORT".
'use strict';

const { spawn } = require('node:child_process');
const readline = require('node:readline');

function startServer(args) {
  const proc = spawn(process.env.GPULEDGER_BINARY, ['serve', ...args],
                     { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 20000);
    readline.createInterface({ input: proc.stdout }).once('line', (line) => {
      clearTimeout(timer);
      const m = /^listening on (\S+)/.exec(line);
      if (m) resolve({ proc, address: m[1] }); else reject(new Error(line));
    });
  });
}

module.exports = { startServer };
