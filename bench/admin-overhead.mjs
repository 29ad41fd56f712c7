// The journal's cost: HTTP GET LogOut [901] throughput with JOURNAL_SIZE=1000 against JOURNAL_SIZE=0,
// alternating A/B rounds in one run (the admin layer's other work, the armed-fault check and the
// session bookkeeping, runs in both). `node bench/admin-overhead.mjs [seconds per round]` after `npm run build`.
/* global fetch, setTimeout */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.argv[2] ?? 5);
const URL_PATH = '/srv.asmx/LogOut?AuthenticationTicket=00000000-0000-4000-8000-000000000000';

async function start(port, journalSize) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      JOURNAL_SIZE: String(journalSize),
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('the emulator did not start');
}

async function round(port) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${URL_PATH}`,
    connections: 32,
    duration: seconds,
  });
  return result.requests.average;
}

const results = { on: [], off: [] };
for (let i = 0; i < 3; i++) {
  for (const [label, size, port] of [
    ['on', 1000, 18181],
    ['off', 0, 18182],
  ]) {
    const child = await start(port, size);
    await round(port); // warm-up
    results[label].push(await round(port));
    child.kill();
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const on = median(results.on);
const off = median(results.off);
console.log(
  JSON.stringify(
    { journalOn: results.on, journalOff: results.off, ratio: on / off, costPercent: (1 - on / off) * 100 },
    null,
    2,
  ),
);
