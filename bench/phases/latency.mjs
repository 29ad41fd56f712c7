// Phase 2: latency, open loop (bench/load.mjs `paced`) at 70 % of the emulator's measured
// maximum, latency from the instant each request was due; the floor at 70 % of its own maximum
// runs too: what the machine allows any node:http server (its stalls hit both). Target: the
// emulator's p99 <= 2 x the floor's.
import path from 'node:path';
import { BENCH_DIR, SERVER_CORE, scenarioByName, startServerProcess } from '../common.mjs';
import { TARGETS, measure, report, settings } from '../harness.mjs';

/** Seconds of paced load before the latency measurement starts (the servers are warm by then). */
const LATENCY_WARMUP_SEC = 1;

export async function latencyPhase(servers, pools, throughput) {
  const results = {};
  for (const name of settings.scenarios) {
    const row = throughput[name];
    if (!row?.emulator) continue;
    const scenario = scenarioByName(name);
    const paced = (origin, serverPid, max) => ({
      kind: 'paced',
      origin,
      serverPid,
      scenario: name,
      rate: Math.round(max * TARGETS.latencyLoad),
      connections: settings.connections,
      warmupSec: LATENCY_WARMUP_SEC,
      durationSec: settings.durationSec,
    });
    const job = paced(servers.emulator.origin, servers.emulator.pid, row.emulator.rps);
    const tickets = job.rate * (LATENCY_WARMUP_SEC + settings.durationSec) + 1000;
    const emulator = await measure(job, scenario.tickets && { pool: pools.emulator, tickets });
    report(name, `@${Math.round(TARGETS.latencyLoad * 100)}%`, emulator);

    // The same load share on the floor: what this machine allows any node:http server.
    const floorArgs = [path.join(BENCH_DIR, 'floor-server.mjs'), scenario.golden];
    const floorServer = await startServerProcess('floor', floorArgs, { core: SERVER_CORE });
    let floor;
    try {
      floor = await measure(paced(floorServer.origin, floorServer.pid, row.floor.rps));
      report(name, `floor@${Math.round(TARGETS.latencyLoad * 100)}%`, floor);
    } finally {
      await floorServer.stop();
    }
    results[name] = { emulator, floor };
  }
  return results;
}
