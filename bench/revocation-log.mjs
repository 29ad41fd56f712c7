// The cost of the revocation log: LogOut success throughput of the memory store with
// SNAPSHOT_FILE, REVOCATION_LOG=false against REVOCATION_LOG=true (each LogOut written and
// fsynced, with group commit, before it is answered). Run by run.mjs as its `revocation` phase
// (`BENCH_SKIP=throughput,latency,memory,store,startup npm run bench` runs it alone).
//
// Each run starts `node dist/main.js` on the server core with a snapshot file already holding
// the tickets it will log out (written here, in the snapshot format: no issuing over HTTP), then
// drives HTTP GET LogOut with a fresh live ticket per request (the `get-logout-ok` scenario,
// the cheapest success path, so the log's share shows most). Off and on alternate over ROUNDS
// rounds, so a drift of the machine hits both alike. The snapshot directory is in os.tmpdir()
// (BENCH_SNAPSHOT_DIR to choose another): fsync costs what that file system's fsync costs.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, SERVER_CORE, USER, emulatorReadyUrl, freePort, startServerProcess } from './common.mjs';

const ROUNDS = 2;
const MODES = ['off', 'on'];
/** Throughput assumed for sizing the ticket supply when no [901] run measured it first. */
const DEFAULT_RPS = 15_000;
/** Runs a disturbed measurement may take in all (run.mjs repeats up to three times). */
const ATTEMPTS = 3;

/** Live tickets held by one server (its snapshot), handed out to runs from the front. */
class SnapshotPool {
  constructor(tickets, file) {
    this.tickets = tickets;
    this.file = file;
  }

  async fileWith(count) {
    if (this.tickets.length < count) {
      throw new Error(`revocation log bench: ${this.tickets.length} tickets left, ${count} needed`);
    }
    writeFileSync(this.file, this.tickets.join('\n'));
    return this.file;
  }

  consumed(count) {
    this.tickets = this.tickets.slice(count);
  }
}

function writeSnapshotFile(file, tickets, expiresAt) {
  const lines = [JSON.stringify({ format: 'asmx-emulator-tickets', version: 1 })];
  for (const ticket of tickets) lines.push(JSON.stringify([ticket, USER, expiresAt]));
  lines.push(JSON.stringify({ count: tickets.length }));
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * @param {object} options
 * @param {(job: object, tickets?: {pool: SnapshotPool, tickets: number}) => Promise<object>} options.measure
 *   run.mjs's measure(): waits for quiet cores, repeats disturbed runs
 * @param {(scenario: string, target: string, result: object) => void} options.report
 * @param {{durationSec: number, warmupSec: number, connections: number}} options.settings
 * @param {string} options.workDir
 * @param {number} [options.estimateRps] the HTTP GET LogOut [901] rate, if measured
 * @param {(message: string) => void} options.log
 */
export async function revocationLogPhase({ measure, report, settings, workDir, estimateRps, log }) {
  const base = process.env.BENCH_SNAPSHOT_DIR || os.tmpdir();
  const dir = mkdtempSync(path.join(base, 'asmx-bench-revoked-'));
  const seconds = settings.warmupSec + settings.durationSec + 1;
  let rps = estimateRps ?? DEFAULT_RPS;
  const runs = { off: [], on: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of MODES) {
        // 30 % to spare per attempt, as run.mjs sizes its success runs.
        const perRun = Math.ceil(rps * seconds * 1.3) + 1000;
        const tickets = Array.from({ length: perRun * ATTEMPTS }, () => randomUUID());
        const file = path.join(dir, `round${round}-${mode}.snapshot`);
        writeSnapshotFile(file, tickets, Date.now() + 29 * 86_400_000);
        const port = await freePort();
        const server = await startServerProcess(
          `emulator, revocation log ${mode}`,
          [path.join(ROOT, 'dist', 'main.js')],
          {
            core: SERVER_CORE,
            env: {
              PORT: String(port),
              HOST: '127.0.0.1',
              SNAPSHOT_FILE: file,
              SNAPSHOT_INTERVAL_MS: '86400000',
              REVOCATION_LOG: mode === 'on' ? 'true' : 'false',
              MAX_TICKETS: String(Math.max(1_000_000, tickets.length)),
            },
            readyUrl: emulatorReadyUrl(port),
          },
        );
        try {
          const pool = new SnapshotPool(tickets, path.join(workDir, 'revocation-tickets.txt'));
          const result = await measure(
            {
              kind: 'throughput',
              origin: server.origin,
              serverPid: server.pid,
              scenario: 'get-logout-ok',
              connections: settings.connections,
              warmupSec: settings.warmupSec,
              durationSec: settings.durationSec,
            },
            { pool, tickets: perRun },
          );
          runs[mode].push(result);
          report('get-logout-ok', `log ${mode}`, result);
          rps = Math.max(rps, result.rps);
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mean = (mode) => runs[mode].reduce((sum, r) => sum + r.rps, 0) / runs[mode].length;
  const meanP99 = (mode) => runs[mode].reduce((sum, r) => sum + r.latencyMs.p99, 0) / runs[mode].length;
  const result = {
    runs,
    rps: { off: mean('off'), on: mean('on') },
    p99Ms: { off: meanP99('off'), on: meanP99('on') },
    ratio: mean('on') / mean('off'),
  };
  log(
    `  log on / off: ${result.ratio.toFixed(2)} (mean of ${ROUNDS} rounds: ${Math.round(result.rps.on)} vs ` +
      `${Math.round(result.rps.off)} req/s; p99 ${result.p99Ms.on.toFixed(1)} vs ${result.p99Ms.off.toFixed(1)} ms)`,
  );
  return result;
}
