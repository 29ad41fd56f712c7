// One CPU profile of a server under load: `node --cpu-prof <server>` pinned to the server core,
// loaded from the load core by bench/load.mjs (throughput job), stopped with SIGINT so V8 writes
// the profile, then summarised (bench/cpuprofile-summary.mjs) with CPU µs per request served.
// Used by bench/profile.mjs (the command line) and bench/phases/profile.mjs (`npm run bench`).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, LOAD_CORE, SERVER_CORE, freePort, spawnNode, startServerProcess } from './common.mjs';
import { formatSummary, summarise } from './cpuprofile-summary.mjs';

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

/**
 * @param {object} options
 * @param {string} options.label        `emulator`, `floor`, ...: names the kept files
 * @param {string} options.scenario     a scenario of bench/common.mjs
 * @param {(port: number) => string[]} options.args   the server's node arguments
 * @param {(port: number) => string} [options.readyUrl]  for servers that do not print their URL
 * @param {string} [options.ticketsFile]
 * @param {(origin: string) => Promise<{ticketsFile?: string}>} [options.beforeLoad]  e.g. issues a ticket
 * @param {number} [options.seconds]
 * @param {number} [options.top]        functions kept in the summary
 * @returns {Promise<{rps: number, requests: number, usPerRequest: number, summary: object, text: string}>}
 */
export async function profileServer({
  label,
  scenario,
  args,
  readyUrl,
  ticketsFile,
  beforeLoad,
  seconds = 5,
  top = 15,
}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asmx-prof-'));
  try {
    const port = await freePort();
    const server = await startServerProcess(label, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...args(port)], {
      core: SERVER_CORE,
      env: { PORT: String(port), HOST: '127.0.0.1' },
      ...(readyUrl ? { readyUrl: readyUrl(port) } : {}),
    });
    let result;
    try {
      const extra = beforeLoad ? await beforeLoad(server.origin) : {};
      result = await runLoad({
        kind: 'throughput',
        origin: server.origin,
        serverPid: server.pid,
        scenario,
        connections: 32,
        warmupSec: 1,
        durationSec: seconds,
        ticketsFile,
        ...extra,
      });
    } finally {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGINT');
      await exited;
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`${label}: no .cpuprofile written: did it exit on SIGINT?`);
    const raw = readFileSync(path.join(dir, file), 'utf8');
    const summary = summarise(JSON.parse(raw), top);
    const requests = result.warmupRequests + result.requests;
    const text =
      `${label}, ${scenario}: ${Math.round(result.rps).toLocaleString('en-US')} req/s under the profiler\n` +
      formatSummary(summary, requests);
    const outDir = path.join(BENCH_DIR, 'results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, `profile-${label}-${scenario}.cpuprofile`), raw);
    writeFileSync(path.join(outDir, `profile-${label}-${scenario}.txt`), `${text}\n`);
    const perRequest = (ms) => Math.round((ms * 1e4) / requests) / 10;
    return {
      rps: result.rps,
      requests,
      usPerRequest: perRequest(summary.busyMs),
      summary: {
        functions: summary.functions.map(({ key, ms }) => ({ name: key, usPerRequest: perRequest(ms) })),
        areas: summary.areas.map(({ key, ms }) => ({ area: key, usPerRequest: perRequest(ms) })),
      },
      text,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
