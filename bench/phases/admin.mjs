// Phase: what the admin layer costs the hot path. The emulator at its defaults (request log line at
// info, metrics on, and the control plane on, since it listens on 127.0.0.1: the journal entry,
// the armed-fault check, the switch-over report's counts, the steerable clock) against the same
// emulator with ADMIN_API=off, which leaves only what the metrics need (the sessions). HTTP GET
// and SOAP 1.1 LogOut [901], closed loop like the throughput phase, over settings.adminRounds
// rounds. Each round starts a new pair of servers on the server core, in turn the defaults first
// and off first, and runs them in that order: identical emulator processes on this VM have run
// 15-20 % apart for their whole life, the same one fast or slow in every round (the later
// started ones slower, with address randomisation off too), so a pair kept for the phase
// measured that draw as much as the admin layer (two runs gave "off" 10-21 % slower). The median
// of each side gives costPercent = (1 - defaults / off) x 100. Target: under
// TARGETS.adminCostPercent.
import { readGolden, request, scenarioByName, startEmulatorProcess, startInTurn } from '../common.mjs';
import { TARGETS, log, measure, median, report, settings } from '../harness.mjs';

export const ADMIN_SCENARIOS = ['get-logout-901', 'soap11-logout-901'];
/** The two sides: the defaults, and the control plane switched off. */
const MODES = { defaults: { ADMIN_API: 'auto' }, off: { ADMIN_API: 'off' } };

/** Fails loudly when the two servers would not answer a scenario with the same bytes. */
async function checkSameAnswer(scenario, servers) {
  const answers = await Promise.all(
    Object.values(servers).map((server) => request(server.origin, scenario.request())),
  );
  const golden = readGolden(scenario.golden).body.toString('utf8');
  const shown = (answer) =>
    JSON.stringify([
      answer.status,
      answer.headers['content-type'],
      answer.headers['content-length'],
      answer.body,
    ]);
  if (answers.some((answer) => answer.body !== golden || shown(answer) !== shown(answers[0]))) {
    throw new Error(
      `${scenario.name}: the answers with and without the admin API differ (or differ from fixtures/exchanges/${scenario.golden}.http):\n` +
        answers.map(shown).join('\n'),
    );
  }
}

/** Server CPU per request, in µs (undefined without /proc). */
const cpuUsPerRequest = (result) =>
  result.serverCpu === undefined ? undefined : (result.serverCpu * 1e6) / result.rps;

/** The two servers of a round, started in `order`. */
async function startPair(order) {
  const started = await startInTurn(
    order.map((mode) => () => startEmulatorProcess(`emulator, ${mode}`, { env: MODES[mode] })),
  );
  return Object.fromEntries(order.map((mode, i) => [mode, started[i]]));
}

export async function adminPhase() {
  const rows = {};
  for (const name of ADMIN_SCENARIOS) {
    rows[name] = { label: scenarioByName(name).label, runs: { defaults: [], off: [] } };
  }
  const modes = Object.keys(MODES);
  for (let round = 0; round < settings.adminRounds; round++) {
    // Alternate which side starts, and runs, first, so neither always has the other's place.
    const order = round % 2 === 0 ? modes : [...modes].reverse();
    const servers = await startPair(order);
    try {
      for (const name of ADMIN_SCENARIOS) {
        await checkSameAnswer(scenarioByName(name), servers);
        for (const mode of order) {
          const { origin, pid } = servers[mode];
          const result = await measure({
            kind: 'throughput',
            origin,
            serverPid: pid,
            scenario: name,
            connections: settings.connections,
            warmupSec: settings.warmupSec,
            durationSec: settings.durationSec,
          });
          rows[name].runs[mode].push(result);
          report(name, mode === 'off' ? 'admin off' : 'defaults', result);
        }
      }
    } finally {
      await Promise.all(Object.values(servers).map((server) => server.stop()));
    }
  }
  for (const [name, row] of Object.entries(rows)) {
    const rpsOf = (mode) => median(row.runs[mode].map((run) => run.rps));
    const cpuOf = (mode) => {
      const values = row.runs[mode].map(cpuUsPerRequest);
      return values.includes(undefined) ? undefined : median(values);
    };
    row.rps = { defaults: rpsOf('defaults'), off: rpsOf('off') };
    row.cpuUsPerRequest = { defaults: cpuOf('defaults'), off: cpuOf('off') };
    row.costPercent = (1 - row.rps.defaults / row.rps.off) * 100;
    row.pass = row.costPercent < TARGETS.adminCostPercent;
    // Each round's two runs follow each other: their ratio is the least touched by a drift of the
    // machine across the phase (shown beside the target's figure, not judged).
    row.pairedCostPercent = median(
      row.runs.defaults.map((run, i) => (1 - run.rps / row.runs.off[i].rps) * 100),
    );
    const cpu = row.cpuUsPerRequest;
    row.cpuCostPercent = cpu.off === undefined ? undefined : (cpu.defaults / cpu.off - 1) * 100;
    log(
      `  ${name}: admin layer + journal cost ${row.costPercent.toFixed(1)} % of throughput (median of ` +
        `${settings.adminRounds}: ${Math.round(row.rps.defaults)} vs ${Math.round(row.rps.off)} req/s; ` +
        `median of the rounds' own ratios ${row.pairedCostPercent.toFixed(1)} %)` +
        (cpu.off === undefined
          ? ''
          : `; server CPU ${cpu.defaults.toFixed(1)} vs ${cpu.off.toFixed(1)} µs/request (${row.cpuCostPercent >= 0 ? '+' : ''}${row.cpuCostPercent.toFixed(1)} %)`),
    );
  }
  return { rounds: settings.adminRounds, scenarios: rows };
}
