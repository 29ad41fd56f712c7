// `npm run bench`: every performance target of the emulator, measured in one run, one phase
// after another (bench/phases/*.mjs; the shared machinery is bench/harness.mjs, the verdicts
// bench/verdicts.mjs). Servers on core 0, the load generator on core 1 (taskset); every figure
// with a target is a ratio or a latency taken within this run. See bench/README.md for the
// phases, the targets and the settings (BENCH_DURATION, BENCH_SCENARIOS, BENCH_SKIP, ...).
// Prints a table and a PASS/MISS line per target; writes everything to bench/results/latest.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BENCH_DIR,
  HAS_TASKSET,
  LOAD_CORE,
  SERVER_CORE,
  startEmulatorProcess,
  startServerProcess,
} from './common.mjs';
import {
  TARGETS,
  TicketPool,
  emulatorIssuer,
  log,
  nodeSoapIssuer,
  patience,
  settings,
  workDir,
} from './harness.mjs';
import { adminPhase } from './phases/admin.mjs';
import { environmentPhase } from './phases/environment.mjs';
import { latencyPhase } from './phases/latency.mjs';
import { memoryPhase } from './phases/memory.mjs';
import { parsePhase } from './phases/parse.mjs';
import { profilePhase } from './phases/profile.mjs';
import { revocationPhase } from './phases/revocation.mjs';
import { startupPhase } from './phases/startup.mjs';
import { fullStorePhase } from './phases/store.mjs';
import { throughputPhase } from './phases/throughput.mjs';
import { typedPhase } from './phases/typed.mjs';
import { printTable, printTypedTable, verdicts } from './verdicts.mjs';

/** A new emulator at its defaults on the server core, with a ticket pool of its own. */
async function startEmulator(startedPools) {
  const server = await startEmulatorProcess('emulator');
  const pool = new TicketPool('emulator', emulatorIssuer(server.origin));
  startedPools.push(pool);
  return { server, pool };
}

/**
 * Throughput starts a new emulator every round (phases/throughput.mjs); latency one for its
 * phase, started after the throughput phase. Both share one node-soap server and its ticket pool.
 */
async function logOutPhases(results) {
  const servers = {};
  const emulatorPools = [];
  try {
    servers.nodeSoap = await startServerProcess('node-soap', [path.join(BENCH_DIR, 'node-soap-server.mjs')], {
      core: SERVER_CORE,
    });
    const pools = { nodeSoap: new TicketPool('node-soap', nodeSoapIssuer(servers.nodeSoap.origin)) };
    log('\nthroughput (closed loop)');
    results.throughput = await throughputPhase(servers, pools, () => startEmulator(emulatorPools));
    if (!settings.skip.has('latency')) {
      const { server, pool } = await startEmulator(emulatorPools);
      servers.emulator = server;
      pools.emulator = pool;
      log(`\nlatency at ${TARGETS.latencyLoad * 100}% of the maximum (open loop), emulator and floor`);
      results.latency = await latencyPhase(servers, pools, results.throughput);
    }
    results.ticketsIssued = {
      emulator: emulatorPools.reduce((sum, pool) => sum + pool.issuedTotal, 0),
      emulatorIssueMs: emulatorPools.reduce((sum, pool) => sum + pool.issueMs, 0),
    };
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }
}

/** The phases in order: name (for BENCH_SKIP), heading, what runs it. */
const PHASES = [
  ['throughput', null, logOutPhases],
  ['typed', '\ntyped example: GetDocumentInfo, handler module and stubs (closed loop)', typedPhase],
  ['parse', '\nparse + bind in-process', parsePhase],
  ['profile', '\nCPU profile per scenario (µs of CPU per request)', profilePhase],
  ['memory', '\nmemory per live ticket', memoryPhase],
  [
    'store',
    `\nthroughput with ${settings.storeTickets} vs ${settings.smallStoreTickets} live tickets`,
    fullStorePhase,
  ],
  ['startup', '\nstartup', startupPhase],
  [
    'revocation',
    '\nrevocation log: HTTP GET LogOut success with SNAPSHOT_FILE, REVOCATION_LOG off vs on',
    revocationPhase,
  ],
  [
    'admin',
    '\nadmin layer: HTTP GET and SOAP 1.1 LogOut [901], the defaults (admin API on) vs ADMIN_API=off',
    adminPhase,
  ],
];
const RESULT_KEY = { store: 'fullStore', profile: 'profiles', revocation: 'revocationLog' };

async function main() {
  const started = performance.now();
  if (!HAS_TASKSET) log('WARNING: taskset not found: everything runs unpinned; figures are indicative only.');
  // This process (the orchestrator) on the load core, so it never competes with a server.
  if (HAS_TASKSET)
    spawnSync('taskset', ['-a', '-p', '-c', LOAD_CORE, String(process.pid)], { stdio: 'ignore' });
  log(
    `asmx-emulator benchmark: ${os.cpus().length} cores, node ${process.version}; servers on core ${SERVER_CORE}, ` +
      `load on core ${LOAD_CORE}; ${settings.warmupSec}+${settings.durationSec} s per run, ${settings.connections} connections`,
  );
  const results = {
    settings: { ...settings, skip: [...settings.skip] },
    targets: TARGETS,
    startedAt: new Date().toISOString(),
  };
  log('\nthe machine: time taken from a process spinning on each core');
  results.environment = await environmentPhase();
  for (const [name, heading, phase] of PHASES) {
    if (settings.skip.has(name)) continue;
    if (heading) log(heading);
    const value = await phase(results);
    if (value !== undefined) results[RESULT_KEY[name] ?? name] = value;
  }
  if (results.throughput) printTable(results.throughput, results.latency ?? {});
  if (results.typed) printTypedTable(results.typed);
  results.verdicts = verdicts(results);
  results.elapsedSec = (performance.now() - started) / 1000;
  results.patienceLeftSec = patience.leftMs / 1000;
  mkdirSync(path.join(BENCH_DIR, 'results'), { recursive: true });
  writeFileSync(path.join(BENCH_DIR, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(`\n${results.elapsedSec.toFixed(0)} s; results in bench/results/latest.json`);
}

main()
  .catch((error) => {
    console.error(error.stack ?? String(error));
    process.exitCode = 1;
  })
  .finally(() => rmSync(workDir, { recursive: true, force: true }));
