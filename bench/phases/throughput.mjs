// Phase 1: throughput. Per scenario, closed loop (autocannon, 32 connections, pipelining 1): the
// floor (bench/floor-server.mjs: node:http answering the same bytes without parsing), the
// necessary work (bench/work-floor-server.mjs: the same answer after only the work an emulator
// cannot skip; a reference, not a target), node-soap's server for SOAP
// (bench/node-soap-server.mjs), then the emulator. Targets: emulator >= 0.60 x floor, >= 3 x
// node-soap.
import path from 'node:path';
import {
  BENCH_DIR,
  SERVER_CORE,
  freePort,
  readGolden,
  request,
  scenarioByName,
  startServerProcess,
} from '../common.mjs';
import { TicketPool, measure, nodeSoapIssuer, report, settings, ticketsFor } from '../harness.mjs';

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

/**
 * Fails loudly when the work floor does not answer what the floor answered (`fromFloor`: same
 * status, same headers but Date, same body), or when it did not do the work: its own count of the
 * request's outcome (`expected`: success for a ticket it issued, E901 for the unknown one) must be 1.
 */
async function checkWorkFloor(scenario, workFloor, fromFloor, ticket, expected) {
  const fromWorkFloor = await request(workFloor.origin, scenario.request(ticket));
  const withoutDate = (headers) =>
    JSON.stringify(Object.entries(headers).filter(([name]) => name !== 'date'));
  const differences = [];
  if (fromWorkFloor.status !== fromFloor.status) differences.push('status');
  if (withoutDate(fromWorkFloor.headers) !== withoutDate(fromFloor.headers)) differences.push('headers');
  if (fromWorkFloor.body !== fromFloor.body) differences.push('body');
  const { body: exposition } = await request(workFloor.origin, { path: '/metrics' });
  const series = `asmx_requests_total{operation="LogOut",transport=`;
  const counts = exposition.split('\n').filter((line) => line.startsWith(series));
  if (counts.length !== 1 || !counts[0].endsWith(`outcome="${expected}"} 1`)) {
    differences.push(`its counts (${counts.join(', ') || 'none'}; expected one ${expected})`);
  }
  if (differences.length > 0) {
    throw new Error(
      `${scenario.name}: the work floor's answer differs from the floor's (${differences.join(', ')}):\n` +
        `work floor ${fromWorkFloor.status} ${JSON.stringify(fromWorkFloor.headers)}\n${fromWorkFloor.body}\n` +
        `floor ${fromFloor.status} ${JSON.stringify(fromFloor.headers)}\n${fromFloor.body}`,
    );
  }
}

/**
 * The work floor for a scenario, its store holding as many tickets as the emulator's will while it
 * runs the scenario: the emulator pool's live tickets (each issued to the emulator and not yet
 * logged out), and on a success path at least the ones its own run will be given. On a success
 * path the work floor's run logs out tickets it issued itself (`/issue`, as node-soap's server
 * does), so they count towards that total. Resolves with the server and, on a success path, its
 * ticket pool.
 */
async function startWorkFloor(scenario, emulatorHolds, ownTickets) {
  const port = await freePort();
  const storeTickets = Math.max(0, Math.round(emulatorHolds - ownTickets));
  const args = [path.join(BENCH_DIR, 'work-floor-server.mjs'), scenario.name, String(port)];
  // Its stdout (a log line per request) goes to /dev/null, as the emulator's: ready once it answers.
  const workFloor = await startServerProcess('work floor', [...args, '--tickets', String(storeTickets)], {
    core: SERVER_CORE,
    readyUrl: `http://127.0.0.1:${port}/metrics`,
  });
  const pool = scenario.tickets ? new TicketPool('work-floor', nodeSoapIssuer(workFloor.origin)) : undefined;
  return { workFloor, pool, storeTickets };
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
    let fromFloor;
    try {
      const ticket = scenario.tickets ? await pools.emulator.take() : undefined;
      await checkSameAnswer(scenario, servers.emulator, floor, ticket);
      fromFloor = await request(floor.origin, scenario.request(ticket));
      row.floor = await measure({ ...job, origin: floor.origin, serverPid: floor.pid });
      report(name, 'floor', row.floor);
    } finally {
      await floor.stop();
    }

    // The necessary work, right after the floor: the same job on the same core. Its success run
    // takes fresh tickets as the emulator's does (the load generator's per-request path), sized
    // from its own [901] run (else from the floor, which it cannot outrun).
    const emulatorLive = pools.emulator.tickets.length;
    const workTickets = scenario.tickets
      ? ticketsFor(results[name.replace('-ok', '-901')]?.workFloor?.rps ?? row.floor.rps, seconds)
      : 0;
    const emulatorHolds = scenario.tickets
      ? Math.max(emulatorLive, ticketsFor(pathRps('emulator'), seconds))
      : emulatorLive;
    const { workFloor, pool, storeTickets } = await startWorkFloor(scenario, emulatorHolds, workTickets);
    try {
      const ticket = pool ? await pool.take() : undefined;
      await checkWorkFloor(scenario, workFloor, fromFloor, ticket, pool ? 'success' : 'E901');
      row.workFloorStoreTickets = storeTickets + workTickets;
      row.workFloor = await measure(
        { ...job, origin: workFloor.origin, serverPid: workFloor.pid },
        pool && { pool, tickets: workTickets },
      );
      report(name, 'necessary', row.workFloor);
    } finally {
      await workFloor.stop();
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
    // How far a server doing only the work no emulator can skip gets (information, not a target).
    row.workFloorRatio = row.workFloor.rps / row.floor.rps;
    row.workFloorNodeSoap = row.nodeSoap ? row.workFloor.rps / row.nodeSoap.rps : undefined;
    row.nodeSoapRatio = row.nodeSoap ? row.emulator.rps / row.nodeSoap.rps : undefined;
    // The most any server doing at least the floor's work (read the body, write the answer) can
    // reach against node-soap in this run: the floor's own ratio.
    row.nodeSoapCeiling = row.nodeSoap ? row.floor.rps / row.nodeSoap.rps : undefined;
  }
  return results;
}
