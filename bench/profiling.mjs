// One CPU profile of a server under load: `node --cpu-prof <server>` pinned to the server core,
// loaded from the load core by bench/load.mjs (throughput job), stopped with SIGINT so V8 writes
// the profile, then summarised (bench/cpuprofile-summary.mjs) with CPU µs per request served.
// Only the samples taken while the load ran (warm-up and measured) are kept, in the summary and in
// the kept .cpuprofile: the server's start-up and whatever `beforeLoad` made it do (issuing the
// tickets a success run logs out) are left out, while what they left in the server stays.
// Used by bench/profile.mjs (the command line) and bench/phases/profile.mjs (`npm run bench`).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, LOAD_CORE, SERVER_CORE, freePort, spawnNode, startServerProcess } from './common.mjs';
import { formatSummary, summarise } from './cpuprofile-summary.mjs';
import { TicketPool, emulatorIssuer, ticketsFor } from './harness.mjs';

/** The load's warm-up under the profiler, in seconds. */
const WARMUP_SEC = 1;

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
 * A `beforeLoad` for scenarios that log out pre-issued tickets (`tickets` in bench/common.mjs):
 * issued by the profiled emulator before its load, as the throughput phase's pool issues them
 * (CreateTicketforUser over HTTP GET, driven by the load generator: the sign-in bookkeeping they
 * leave in the server is there while it is profiled, the CPU of issuing them is not in the
 * window), enough for `expectedRps` over the whole load with ticketsFor()'s margin; a `cycle`
 * scenario gets 1,000 to go round.
 */
export function issueTicketsFor(scenario, { expectedRps, seconds }) {
  return async (origin) => {
    const count = scenario.tickets === 'cycle' ? 1000 : ticketsFor(expectedRps, WARMUP_SEC + seconds + 1);
    const pool = new TicketPool(`profile-${scenario.name}`, emulatorIssuer(origin));
    return { ticketsFile: await pool.fileWith(count) };
  };
}

/** Monotonic µs, the clock of a .cpuprofile's timestamps (CLOCK_MONOTONIC in every process). */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * The profile cut to the samples taken in [fromUs, toUs]. A sample is charged the delta to the
 * next one (cpuprofile-summary.mjs), so the first kept sample's own delta is dropped. The nodes'
 * line ticks (`positionTicks`) count the whole run, so they go.
 */
export function profileWindow(profile, fromUs, toUs) {
  const samples = [];
  const timeDeltas = [];
  let at = profile.startTime;
  let last;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    if (at < fromUs || at > toUs) continue;
    samples.push(profile.samples[i]);
    timeDeltas.push(last === undefined ? 0 : at - last);
    last = at;
  }
  const nodes = profile.nodes.map(({ positionTicks: _lines, ...node }) => node);
  return {
    nodes,
    startTime: Math.max(profile.startTime, fromUs),
    endTime: last ?? fromUs,
    samples,
    timeDeltas,
  };
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
 * @param {Record<string, string>} [options.env]  more environment for the server (e.g. ADMIN_API)
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
  env = {},
}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asmx-prof-'));
  try {
    const port = await freePort();
    const server = await startServerProcess(label, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...args(port)], {
      core: SERVER_CORE,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
      ...(readyUrl ? { readyUrl: readyUrl(port) } : {}),
    });
    let result;
    let fromUs;
    let toUs;
    try {
      const extra = beforeLoad ? await beforeLoad(server.origin) : {};
      fromUs = nowUs();
      result = await runLoad({
        kind: 'throughput',
        origin: server.origin,
        serverPid: server.pid,
        scenario,
        connections: 32,
        warmupSec: WARMUP_SEC,
        durationSec: seconds,
        ticketsFile,
        ...extra,
      });
      toUs = nowUs();
    } finally {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGINT');
      await exited;
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`${label}: no .cpuprofile written: did it exit on SIGINT?`);
    const profile = profileWindow(JSON.parse(readFileSync(path.join(dir, file), 'utf8')), fromUs, toUs);
    const raw = JSON.stringify(profile);
    const summary = summarise(profile, top);
    const requests = result.warmupRequests + result.requests;
    // A run that ran out of tickets answered [901] for the rest: its profile is a mix of both paths.
    const problems = [
      result.ticketsExhausted ? `ran out of tickets (${result.ticketsExhausted} requests)` : '',
      result.mismatches ? `${result.mismatches} wrong answers` : '',
      result.non2xx ? `${result.non2xx} non-2xx` : '',
    ].filter(Boolean);
    const text =
      `${label}, ${scenario}: ${Math.round(result.rps).toLocaleString('en-US')} req/s under the profiler` +
      `${problems.length ? ` (WARNING: ${problems.join('; ')})` : ''}\n` +
      formatSummary(summary, requests);
    const outDir = path.join(BENCH_DIR, 'results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, `profile-${label}-${scenario}.cpuprofile`), raw);
    writeFileSync(path.join(outDir, `profile-${label}-${scenario}.txt`), `${text}\n`);
    const perRequest = (ms) => Math.round((ms * 1e4) / requests) / 10;
    return {
      rps: result.rps,
      requests,
      ...(problems.length ? { problems } : {}),
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
