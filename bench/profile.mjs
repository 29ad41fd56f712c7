// Where the emulator spends its CPU under load, per scenario.
//
//   node bench/profile.mjs [--floor] [scenario ...]     (default: soap11-logout-901 get-logout-901)
//
// For each scenario: starts `node --cpu-prof dist/main.js` pinned to core 0 (with --floor, the
// floor server instead, for comparison), loads it from core 1 with the throughput job of
// bench/load.mjs (1 s warm-up, BENCH_PROFILE_SECONDS measured, default 5), stops it with SIGINT
// (main.js exits, and V8 writes the profile), then prints the top self-time functions and areas
// with CPU µs per request served (start-up, some 0.3 s of CPU, is in the profile too). Keeps
// bench/results/profile-<target>-<scenario>.cpuprofile (open it in Chrome DevTools' Performance
// panel) and the summary next to it as .txt. Needs a build (npm run build). Only scenarios that
// need no pre-issued tickets.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BENCH_DIR,
  LOAD_CORE,
  ROOT,
  SERVER_CORE,
  emulatorReadyUrl,
  freePort,
  scenarioByName,
  spawnNode,
  startServerProcess,
} from './common.mjs';
import { formatSummary, summarise } from './cpuprofile-summary.mjs';

const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 5);
const args = process.argv.slice(2);
const floor = args.includes('--floor');
const target = floor ? 'floor' : 'emulator';
const named = args.filter((arg) => arg !== '--floor');
const names = named.length > 0 ? named : ['soap11-logout-901', 'get-logout-901'];

function runLoad(job) {
  const child = spawnNode([path.join(BENCH_DIR, 'load.mjs'), JSON.stringify(job)], { core: LOAD_CORE });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(err)),
    );
  });
}

async function profile(name) {
  const scenario = scenarioByName(name);
  if (scenario.tickets) throw new Error(`${name} needs pre-issued tickets; profile a [901] scenario instead`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asmx-prof-'));
  try {
    const port = await freePort();
    const server = await startServerProcess(
      target,
      [
        '--cpu-prof',
        `--cpu-prof-dir=${dir}`,
        ...(floor
          ? [path.join(BENCH_DIR, 'floor-server.mjs'), scenario.golden, String(port)]
          : [path.join(ROOT, 'dist', 'main.js')]),
      ],
      {
        core: SERVER_CORE,
        env: { PORT: String(port), HOST: '127.0.0.1' },
        // The floor prints its URL; the emulator logs every request, so its stdout is discarded.
        ...(floor ? {} : { readyUrl: emulatorReadyUrl(port) }),
      },
    );
    const result = await runLoad({
      kind: 'throughput',
      origin: server.origin,
      serverPid: server.pid,
      scenario: name,
      connections: 32,
      warmupSec: 1,
      durationSec: seconds,
    });
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGINT');
    await exited;
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no .cpuprofile written: did main.js exit on SIGINT?');
    const raw = readFileSync(path.join(dir, file), 'utf8');
    const text =
      `${target}, ${name}: ${Math.round(result.rps).toLocaleString('en-US')} req/s under the profiler\n` +
      formatSummary(summarise(JSON.parse(raw)), result.warmupRequests + result.requests);
    const outDir = path.join(BENCH_DIR, 'results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, `profile-${target}-${name}.cpuprofile`), raw);
    writeFileSync(path.join(outDir, `profile-${target}-${name}.txt`), `${text}\n`);
    console.log(`${text}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const name of names) await profile(name);
