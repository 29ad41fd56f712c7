// Phase 4: isValidTicket throughput with 1,000,000 live tickets against 1,000, alternated over
// two rounds (bench/emulator-with-tickets.mjs). Target: >= 0.90.
import path from 'node:path';
import { BENCH_DIR, SERVER_CORE, emulatorReadyUrl, freePort, startServerProcess } from '../common.mjs';
import { fmtCount, measure, report, rssMb, settings, workDir } from '../harness.mjs';

/** Rounds of the small-versus-full store comparison. */
export const FULL_STORE_ROUNDS = 2;

/**
 * isValidTicket on live tickets with a small and a full store, alternated over FULL_STORE_ROUNDS
 * rounds (small, full, small, full): a drift of the machine then hits both sides alike.
 */
export async function fullStorePhase() {
  const sizes = [settings.smallStoreTickets, settings.storeTickets];
  const runs = Object.fromEntries(sizes.map((count) => [count, []]));
  for (let round = 0; round < FULL_STORE_ROUNDS; round++) {
    for (const count of sizes) {
      const sampleFile = path.join(workDir, `sample-${count}.txt`);
      const port = await freePort();
      const server = await startServerProcess(
        `emulator with ${count} tickets`,
        [
          '--expose-gc',
          path.join(BENCH_DIR, 'emulator-with-tickets.mjs'),
          String(count),
          sampleFile,
          String(port),
        ],
        { core: SERVER_CORE, readyUrl: emulatorReadyUrl(port) },
      );
      try {
        const result = await measure({
          kind: 'throughput',
          origin: server.origin,
          serverPid: server.pid,
          scenario: 'get-valid-live',
          connections: settings.connections,
          warmupSec: settings.warmupSec,
          durationSec: settings.durationSec,
          ticketsFile: sampleFile,
        });
        result.serverRssMb = rssMb(server.pid);
        runs[count].push(result);
        report('get-valid-live', fmtCount(count), result);
      } finally {
        await server.stop();
      }
    }
  }
  const mean = (count) => runs[count].reduce((sum, r) => sum + r.rps, 0) / runs[count].length;
  return {
    runs,
    rps: Object.fromEntries(sizes.map((count) => [count, mean(count)])),
    ratio: mean(settings.storeTickets) / mean(settings.smallStoreTickets),
  };
}
