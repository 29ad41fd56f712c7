// Phase 1: throughput. Per scenario, closed loop (autocannon, 32 connections, pipelining 1): the
// floor (bench/floor-server.mjs: node:http answering the same bytes without parsing), node-soap's
// server for SOAP (bench/node-soap-server.mjs), then the emulator. Targets: emulator >= 0.60 x
// floor, >= 3 x node-soap.
import path from 'node:path';
import {
  BENCH_DIR,
  SERVER_CORE,
  readGolden,
  request,
  scenarioByName,
  startServerProcess,
} from '../common.mjs';
import { measure, report, settings, ticketsFor } from '../harness.mjs';

/** Fails loudly when the floor would not answer what the emulator answers. */
export async function checkSameAnswer(scenario, emulator, floor, ticket) {
  const [fromEmulator, fromFloor] = await Promise.all([
    request(emulator.origin, scenario.request(ticket)),
    request(floor.origin, scenario.request(ticket)),
  ]);
  const golden = readGolden(scenario.golden);
  const compared = ['content-type', 'cache-control', 'x-aspnet-version', 'content-length'];
  const differences = compared.filter((name) => fromEmulator.headers[name] !== fromFloor.headers[name]);
  if (fromEmulator.status !== fromFloor.status) differences.push('status');
  if (fromEmulator.body !== golden.body.toString('utf8')) differences.push('body');
  if (differences.length > 0) {
    throw new Error(
      `${scenario.name}: the emulator's answer differs from the floor's (${differences.join(', ')}):\n` +
        `emulator ${fromEmulator.status} ${JSON.stringify(fromEmulator.headers)}\n${fromEmulator.body}`,
    );
  }
}

export async function throughputPhase(servers, pools) {
  const results = {};
  for (const name of settings.scenarios) {
    const scenario = scenarioByName(name);
    const row = (results[name] = { label: scenario.label });
    const job = {
      kind: 'throughput',
      scenario: name,
      connections: settings.connections,
      warmupSec: settings.warmupSec,
      durationSec: settings.durationSec,
    };
    const seconds = settings.warmupSec + settings.durationSec + 1;
    // The 901 run of the same transport tells how many tickets the success run will need.
    const pathRps = (target) => results[name.replace('-ok', '-901')]?.[target]?.rps ?? 20_000;

    const floorArgs = [path.join(BENCH_DIR, 'floor-server.mjs'), scenario.golden];
    const floor = await startServerProcess('floor', floorArgs, { core: SERVER_CORE });
    try {
      const ticket = scenario.tickets ? await pools.emulator.take() : undefined;
      await checkSameAnswer(scenario, servers.emulator, floor, ticket);
      row.floor = await measure({ ...job, origin: floor.origin, serverPid: floor.pid });
      report(name, 'floor', row.floor);
    } finally {
      await floor.stop();
    }

    if (scenario.nodeSoap) {
      const { origin, pid } = servers.nodeSoap;
      const tickets = ticketsFor(pathRps('nodeSoap'), seconds);
      row.nodeSoap = await measure(
        { ...job, origin, serverPid: pid },
        scenario.tickets && { pool: pools.nodeSoap, tickets },
      );
      report(name, 'node-soap', row.nodeSoap);
    }

    const { origin, pid } = servers.emulator;
    const tickets = ticketsFor(pathRps('emulator'), seconds);
    row.emulator = await measure(
      { ...job, origin, serverPid: pid },
      scenario.tickets && { pool: pools.emulator, tickets },
    );
    report(name, 'emulator', row.emulator);

    row.floorRatio = row.emulator.rps / row.floor.rps;
    row.nodeSoapRatio = row.nodeSoap ? row.emulator.rps / row.nodeSoap.rps : undefined;
    // The most any server doing at least the floor's work (read the body, write the answer) can
    // reach against node-soap in this run: the floor's own ratio.
    row.nodeSoapCeiling = row.nodeSoap ? row.floor.rps / row.nodeSoap.rps : undefined;
  }
  return results;
}
