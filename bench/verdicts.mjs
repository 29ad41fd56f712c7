// The table and the PASS/MISS line of every target, from the results of the phases.
import {
  TARGETS,
  describeRun,
  doubtful,
  fmtCount,
  fmtInt,
  fmtMs,
  fmtP99,
  fmtRatio,
  log,
  settings,
} from './harness.mjs';
import { FULL_STORE_ROUNDS } from './phases/store.mjs';

export function printTable(throughput, latency) {
  const header = [
    'scenario',
    'emulator req/s',
    'p50 ms',
    'p99 ms',
    'floor req/s',
    'x floor',
    'necessary x floor',
    'node-soap req/s',
    'x node-soap',
    'p99 @70% ms',
    'floor p99 @70%',
  ];
  const rows = settings.scenarios
    .filter((name) => throughput[name]?.emulator)
    .map((name) => {
      const row = throughput[name];
      return [
        name,
        fmtInt(row.emulator.rps),
        fmtMs(row.emulator.latencyMs.p50),
        fmtMs(row.emulator.latencyMs.p99),
        fmtInt(row.floor.rps),
        fmtRatio(row.floorRatio),
        row.workFloor ? fmtRatio(row.workFloorRatio) : '-',
        row.nodeSoap ? fmtInt(row.nodeSoap.rps) : 'n/a',
        fmtRatio(row.nodeSoapRatio, 'x'),
        latency[name] ? fmtP99(latency[name].emulator) : '-',
        latency[name] ? fmtP99(latency[name].floor) : '-',
      ];
    });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  log('');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) log(line(row));
  log('');
  log(
    "(x floor, necessary x floor, x node-soap: each round's own ratio, its runs made one after another\n" +
      ` (median of ${settings.rounds} round${settings.rounds === 1 ? '' : 's'}); req/s, p50, p99: the run with the median req/s of that server.\n` +
      ' necessary x floor: bench/work-floor-server.mjs, the floor plus only the work an emulator cannot skip:\n' +
      " the ticket read from the request, the store's look-up, the counter, the histogram and the log line.\n" +
      " p50/p99: closed loop, autocannon, whole milliseconds. p99 @70%: open loop at 70 % of the server's own\n" +
      " maximum, from the instant each request was due; the floor's shows what the machine allows any server.\n" +
      ' ! = the load generator fell behind: that figure is partly its own.)',
  );
}

/** The typed scenarios: emulator against a floor answering the same bytes. */
export function printTypedTable(typed) {
  log('');
  log('typed example (GetDocumentInfo)                 emulator req/s  floor req/s  x floor  p99 ms');
  for (const row of Object.values(typed)) {
    log(
      `  ${row.label.padEnd(46)} ${fmtInt(row.emulator.rps).padStart(14)} ${fmtInt(row.floor.rps).padStart(12)}` +
        ` ${fmtRatio(row.floorRatio).padStart(8)} ${fmtMs(row.emulator.latencyMs.p99).padStart(7)}`,
    );
  }
}

/** A throughput row's rounds (a row without them counts as one round). */
const roundsOf = (row) => row.rounds ?? [row];

/** Every run of these servers over a throughput row's rounds. */
const runsOf = (row, ...servers) => roundsOf(row).flatMap((round) => servers.map((server) => round[server]));

/**
 * What was off in the runs of a server over a throughput row's rounds, each note with its round:
 * a round's ratio rests on its own runs, so a disturbed run in any round is reported, not only
 * in the run with the median req/s.
 */
function runNotes(row, server, label) {
  const rounds = roundsOf(row);
  return rounds.flatMap((round, index) =>
    describeRun(round[server]).map((note) =>
      rounds.length > 1 ? `round ${index + 1} ${label}: ${note}` : `${label}: ${note}`,
    ),
  );
}

/**
 * The note of a LogOut throughput line on the necessary work (bench/work-floor-server.mjs): how far
 * a node:http server doing only the work no emulator can skip got in this run. A reference, not a
 * target: under the target, no emulator doing that work could reach it in this run.
 */
function necessaryWork(row, ratio, target, unit) {
  if (!row.workFloor || ratio === undefined) return [];
  const notes = runNotes(row, 'workFloor', 'necessary');
  return [
    `the necessary work alone: ${fmtRatio(ratio, unit)}` +
      (ratio < target ? ' (out of reach in this run for any node:http server doing that work)' : '') +
      (notes.length > 0 ? ` (its run: ${notes.join(', ')})` : ''),
  ];
}

export function verdicts(results) {
  const lines = [];
  const add = (target, figure, pass, note = '', unsure = false) =>
    lines.push({ target, figure, pass, note, unsure });
  const { throughput = {}, latency = {}, typed = {}, parse, memory, fullStore, startup, admin } = results;
  for (const name of settings.scenarios) {
    const row = throughput[name];
    if (!row?.emulator) continue;
    const suspect = [...runNotes(row, 'emulator', 'emulator'), ...runNotes(row, 'floor', 'floor')];
    add(
      `${name}: throughput >= ${TARGETS.floorRatio} x floor`,
      fmtRatio(row.floorRatio),
      row.floorRatio >= TARGETS.floorRatio,
      [...necessaryWork(row, row.workFloorRatio, TARGETS.floorRatio, ' x floor'), ...suspect].join('; '),
      doubtful(...runsOf(row, 'emulator', 'floor')),
    );
    if (row.nodeSoap) {
      add(
        `${name}: throughput >= ${TARGETS.nodeSoapRatio} x node-soap`,
        fmtRatio(row.nodeSoapRatio, 'x'),
        row.nodeSoapRatio >= TARGETS.nodeSoapRatio,
        [
          `the floor itself: ${fmtRatio(row.nodeSoapCeiling, 'x')} node-soap` +
            (row.nodeSoapCeiling < TARGETS.nodeSoapRatio
              ? " (out of reach for any server doing the floor's work and more)"
              : `, so it needs >= ${fmtRatio(TARGETS.nodeSoapRatio / row.nodeSoapCeiling)} x floor`),
          ...necessaryWork(row, row.workFloorNodeSoap, TARGETS.nodeSoapRatio, 'x node-soap'),
          ...runNotes(row, 'emulator', 'emulator'),
          ...runNotes(row, 'nodeSoap', 'node-soap'),
        ].join('; '),
        doubtful(...runsOf(row, 'emulator', 'nodeSoap')),
      );
    } else {
      add(
        `${name}: throughput >= ${TARGETS.nodeSoapRatio} x node-soap`,
        'n/a',
        undefined,
        'node-soap has no HTTP GET/POST binding',
      );
    }
    const paced = latency[name]?.emulator;
    if (paced) {
      const p99 = paced.latencyMs.p99;
      const floorP99 = latency[name].floor.latencyMs.p99;
      add(
        `${name}: p99 at ${TARGETS.latencyLoad * 100}% of max (${fmtInt(paced.rate)} req/s) <= ${TARGETS.p99VsFloor} x the floor's at ${TARGETS.latencyLoad * 100}% of its own`,
        `${fmtMs(p99)} ms (${fmtRatio(p99 / floorP99, ' x')})`,
        p99 <= TARGETS.p99VsFloor * floorP99 && !paced.unanswered,
        [
          `floor at ${TARGETS.latencyLoad * 100}% of its max: ${fmtMs(floorP99)} ms`,
          ...describeRun(paced),
        ].join('; '),
        doubtful(paced),
      );
    }
  }
  for (const [name, row] of Object.entries(typed)) {
    add(
      `${name}: throughput >= ${TARGETS.typedFloorRatio} x a floor answering the same bytes`,
      fmtRatio(row.floorRatio),
      row.floorRatio >= TARGETS.typedFloorRatio,
      [...describeRun(row.emulator), ...describeRun(row.floor)].join('; '),
      doubtful(row.emulator, row.floor),
    );
  }
  const big = parse?.results.find((r) => r.request.startsWith('UpdateDocumentInfo'));
  if (big) {
    add(
      `parse + bind of a ${(big.bytes / 1024).toFixed(0)} KB SOAP request (UpdateDocumentInfo) <= ${TARGETS.parseBindUs} µs`,
      `${big.usPerCall} µs`,
      big.usPerCall <= TARGETS.parseBindUs,
      parse.results
        .filter((r) => r !== big)
        .map((r) => `${r.request}: ${r.usPerCall} µs`)
        .join('; '),
    );
  }
  if (memory) {
    add(
      `memory: <= ${TARGETS.bytesPerTicket} B of heap per ticket (${fmtCount(memory.tickets)} tickets)`,
      `${memory.totalBytesPerTicket.toFixed(0)} B`,
      memory.totalBytesPerTicket <= TARGETS.bytesPerTicket,
      `JS heap ${memory.heapBytesPerTicket.toFixed(0)} B + typed arrays ${memory.arrayBufferBytesPerTicket.toFixed(0)} B`,
    );
  }
  if (fullStore) {
    add(
      `full store: throughput with ${fmtCount(settings.storeTickets)} tickets >= ${TARGETS.fullStoreRatio} x with ${fmtCount(settings.smallStoreTickets)}`,
      fmtRatio(fullStore.ratio),
      fullStore.ratio >= TARGETS.fullStoreRatio,
      `isValidTicket on live tickets, mean of ${FULL_STORE_ROUNDS}: ${fmtInt(fullStore.rps[settings.storeTickets])} vs ` +
        `${fmtInt(fullStore.rps[settings.smallStoreTickets])} req/s`,
      doubtful(...Object.values(fullStore.runs).flat()),
    );
  }
  if (startup) {
    add(
      `startup: spawn to first answer <= ${TARGETS.startupMs} ms (median of ${settings.startupRuns})`,
      `${fmtMs(startup.medianMs)} ms`,
      startup.medianMs <= TARGETS.startupMs,
      `bare node:http ${fmtMs(startup.bareNodeMedianMs)} ms`,
    );
  }
  for (const [name, row] of Object.entries(admin?.scenarios ?? {})) {
    const cpu = row.cpuUsPerRequest;
    add(
      `${name}: admin layer + journal cost < ${TARGETS.adminCostPercent}% of throughput (defaults vs ADMIN_API=off)`,
      `${row.costPercent.toFixed(1)} %`,
      row.pass,
      [
        `median of ${admin.rounds}: ${fmtInt(row.rps.defaults)} vs ${fmtInt(row.rps.off)} req/s`,
        `per round ${row.pairedCostPercent.toFixed(1)} % (median)`,
        ...(cpu.off === undefined
          ? []
          : [`server CPU ${cpu.defaults.toFixed(1)} vs ${cpu.off.toFixed(1)} µs/request`]),
        ...[...row.runs.defaults, ...row.runs.off].flatMap(describeRun),
      ].join('; '),
      doubtful(...row.runs.defaults, ...row.runs.off),
    );
  }
  log('');
  for (const { target, figure, pass, note, unsure } of lines) {
    const verdict = (pass === undefined ? 'n/a' : pass ? 'PASS' : 'MISS') + (unsure ? '?' : ' ');
    log(`${verdict.padEnd(5)} ${target}: ${figure}${note ? `   [${note}]` : ''}`);
  }
  if (lines.some((line) => line.unsure)) {
    log(
      '\n? = measured while something was off (see the note): repeat on a quiet machine before trusting it.',
    );
  }
  return lines;
}
