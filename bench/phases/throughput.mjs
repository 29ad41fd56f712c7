// Phase 1: throughput. Per scenario, closed loop (autocannon, 32 connections, pipelining 1): the
// floor (bench/floor-server.mjs: node:http answering the same bytes without parsing), the
// necessary work (bench/work-floor-server.mjs: the same answer after only the work an emulator
// cannot skip; a reference, not a target), node-soap's server for SOAP
// (bench/node-soap-server.mjs), then the emulator, in that order in each of settings.rounds
// rounds (BENCH_ROUNDS); each ratio is the median of the rounds' own ratios. Targets: emulator
// >= 0.60 x floor, >= 3 x node-soap.
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
import {
  TicketPool,
  log,
  measure,
  median,
  medianRun,
  nodeSoapIssuer,
  report,
  roundSec,
  settings,
  ticketsFor,
} from '../harness.mjs';

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
 * The work floor for a scenario, its store holding as many tickets as a round's emulator will
 * while it runs the scenario (a new one every round: none on a [901] path, on a success path the
 * ones its run will be given). On a success
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

/**
 * The ratios taken within each round, between runs made one after another: name in the row,
 * label in the output, and how a round's runs give it (undefined where node-soap has no run).
 */
const RATIOS = [
  ['floorRatio', 'x floor', (r) => r.emulator.rps / r.floor.rps],
  ['nodeSoapRatio', 'x node-soap', (r) => r.nodeSoap && r.emulator.rps / r.nodeSoap.rps],
  // How far a server doing only the work no emulator can skip gets (information, not a target).
  ['workFloorRatio', 'necessary x floor', (r) => r.workFloor.rps / r.floor.rps],
  ['workFloorNodeSoap', 'necessary x node-soap', (r) => r.nodeSoap && r.workFloor.rps / r.nodeSoap.rps],
  // The most any server doing at least the floor's work (read the body, write the answer) can
  // reach against node-soap in that round: the floor's own ratio.
  ['nodeSoapCeiling', 'floor x node-soap', (r) => r.nodeSoap && r.floor.rps / r.nodeSoap.rps],
];
const SERVERS = ['floor', 'workFloor', 'nodeSoap', 'emulator'];

/**
 * Per scenario, settings.rounds rounds of floor, necessary work, node-soap (SOAP only) and
 * emulator, one run each (settings.warmupSec + roundSec), so each round's ratios compare runs
 * made within a minute of each other, whatever the machine's speed does across the phase. Every
 * round has a new floor and a new emulator (`startEmulator`: the server and its ticket pool),
 * started in turn floor first and emulator first; the work floor is started once per scenario
 * and node-soap once for the phase, and they stay up, idle, while the others run. The row's ratios are the medians of the rounds' ratios; row.floor, row.emulator, ... the
 * run with the median req/s of each server (the table, the verdicts' notes, the latency phase's
 * pace); row.rounds every round's runs and ratios.
 */
export async function throughputPhase(servers, pools, startEmulator) {
  const results = {};
  log(
    `  ${settings.rounds} round${settings.rounds === 1 ? '' : 's'} per scenario (floor, necessary work, ` +
      `node-soap, emulator), ${settings.warmupSec}+${roundSec} s per run`,
  );
  for (const name of settings.scenarios) {
    const scenario = scenarioByName(name);
    const row = (results[name] = { label: scenario.label, durationSec: roundSec, rounds: [] });
    const job = {
      kind: 'throughput',
      scenario: name,
      connections: settings.connections,
      warmupSec: settings.warmupSec,
      durationSec: roundSec,
    };
    const seconds = settings.warmupSec + roundSec + 1;
    // The 901 run of the same transport tells how many tickets a success run will need; without
    // one, the fastest run of that server in this scenario's earlier rounds, else 20,000 req/s.
    const path901 = results[name.replace('-ok', '-901')];
    const rpsFor = (target) =>
      path901?.[target]?.rps ??
      (Math.max(0, ...row.rounds.map((round) => round[target]?.rps ?? 0)) || 20_000);

    const floorArgs = [path.join(BENCH_DIR, 'floor-server.mjs'), scenario.golden];
    let workFloor;
    let workPool;
    let ownTickets = 0;
    try {
      for (let index = 0; index < settings.rounds; index++) {
        log(`  round ${index + 1} of ${settings.rounds}`);
        // A new floor and a new emulator every round, each started first in turn: identical
        // processes here run up to 20 % apart for their whole life (bench/README.md), so one
        // kept for every round would carry its draw into every ratio.
        let floor;
        let emulator;
        try {
          const startFloor = async () => {
            floor = await startServerProcess('floor', floorArgs, { core: SERVER_CORE });
          };
          const startOwnEmulator = async () => {
            emulator = await startEmulator();
          };
          for (const start of index % 2 === 0
            ? [startFloor, startOwnEmulator]
            : [startOwnEmulator, startFloor]) {
            await start();
          }
          const ticket = scenario.tickets ? await emulator.pool.take() : undefined;
          await checkSameAnswer(scenario, emulator.server, floor, ticket);
          if (index === 0) {
            // The necessary work: the same jobs on the same core, right after the floor in each
            // round. Its success runs take fresh tickets as the emulator's do (the load
            // generator's per-request path), sized from its own [901] run (else from the round's
            // floor run, which it cannot outrun). Its store is filled before the first round so
            // that it holds what a round's emulator holds, the tickets of its run (`ownTickets`
            // of them its own, from the [901] run, else a guess: each run gets at least that many).
            const fromFloor = await request(floor.origin, scenario.request(ticket));
            ownTickets = scenario.tickets
              ? ticketsFor(path901?.workFloor?.rps ?? path901?.floor?.rps ?? 20_000, seconds)
              : 0;
            const emulatorHolds = scenario.tickets ? ticketsFor(rpsFor('emulator'), seconds) : 0;
            const started = await startWorkFloor(scenario, emulatorHolds, ownTickets);
            workFloor = started.workFloor;
            workPool = started.pool;
            const workTicket = workPool ? await workPool.take() : undefined;
            await checkWorkFloor(scenario, workFloor, fromFloor, workTicket, workPool ? 'success' : 'E901');
            row.workFloorStoreTickets = started.storeTickets + ownTickets;
          }
          const round = { floorStartedFirst: index % 2 === 0 };
          // The tickets of the round's node-soap and emulator runs, issued before its first run,
          // so that its four runs follow each other closely (measure() tops up what is missing).
          const tickets = {
            nodeSoap: ticketsFor(rpsFor('nodeSoap'), seconds),
            emulator: ticketsFor(rpsFor('emulator'), seconds),
          };
          if (scenario.tickets) {
            if (scenario.nodeSoap) await pools.nodeSoap.fileWith(tickets.nodeSoap);
            await emulator.pool.fileWith(tickets.emulator);
          }

          round.floor = await measure({ ...job, origin: floor.origin, serverPid: floor.pid });
          report(name, 'floor', round.floor);

          round.workFloor = await measure(
            { ...job, origin: workFloor.origin, serverPid: workFloor.pid },
            workPool && {
              pool: workPool,
              tickets: Math.max(ownTickets, ticketsFor(path901?.workFloor?.rps ?? round.floor.rps, seconds)),
            },
          );
          report(name, 'necessary', round.workFloor);

          if (scenario.nodeSoap) {
            const { origin, pid } = servers.nodeSoap;
            round.nodeSoap = await measure(
              { ...job, origin, serverPid: pid },
              scenario.tickets && { pool: pools.nodeSoap, tickets: tickets.nodeSoap },
            );
            report(name, 'node-soap', round.nodeSoap);
          }

          const { origin, pid } = emulator.server;
          round.emulator = await measure(
            { ...job, origin, serverPid: pid },
            scenario.tickets && { pool: emulator.pool, tickets: tickets.emulator },
          );
          report(name, 'emulator', round.emulator);

          for (const [key, , ratio] of RATIOS) round[key] = ratio(round);
          row.rounds.push(round);
        } finally {
          await Promise.all([floor?.stop(), emulator?.server.stop()]);
        }
      }
    } finally {
      await workFloor?.stop();
    }

    for (const server of SERVERS) {
      if (row.rounds[0][server]) row[server] = medianRun(row.rounds.map((round) => round[server]));
    }
    for (const [key, label] of RATIOS) {
      const values = row.rounds.map((round) => round[key]);
      if (values.includes(undefined)) continue;
      row[key] = median(values);
      log(
        `  ${name.padEnd(18)} ${label} per round ${values.map((value) => value.toFixed(2)).join(' ')}` +
          ` -> ${row[key].toFixed(2)}`,
      );
    }
  }
  return results;
}
