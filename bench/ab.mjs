// Two (or more) emulator builds, or one build under different settings, on the same load,
// alternated: the way to see what one change gains on a VM whose speed drifts between runs.
//
//   node bench/ab.mjs [--rounds N] [--seconds S] <scenario ...> -- <label>=<main.js>[,NAME:value...] ...
//
//   node bench/ab.mjs soap11-logout-901 get-logout-901 -- before=/tmp/before/dist/main.js after=dist/main.js
//   node bench/ab.mjs soap11-logout-901 -- on=dist/main.js off=dist/main.js,ADMIN_API:off
//
// Each round starts every build anew, pinned to the server core (each stays up, idle, while the
// others run), and runs every scenario on every build, one closed-loop run each (1 s warm-up,
// then --seconds, default 3, at the throughput phase's 32 connections); the order of starting
// and of running turns by one every round. New processes every round because identical emulator
// processes here run up to 20 % apart for their whole life, the earlier started ones more often
// the faster (bench/README.md, the admin phase): a process kept for all rounds would carry its
// draw into every one. With as many rounds as builds (or a multiple), each build starts first
// as often. A build to compare with is
// made in a worktree: `git worktree add /tmp/before <rev> && ln -s "$PWD/node_modules"
// /tmp/before/ && (cd /tmp/before && npx tsc -p tsconfig.build.json)`; it reads its fixtures
// relative to its own dist/.
//
// Prints per scenario and build the median req/s and server CPU µs per request of the rounds
// (--rounds, default 6), each round's req/s, and each build's median against the first's. [901]
// scenarios only: a success scenario needs tickets issued to each build (bench/run.mjs does that).
import path from 'node:path';
import { scenarioByName, startEmulatorProcess, startInTurn } from './common.mjs';
import { median, runLoad } from './harness.mjs';

function parseArgs(argv) {
  const options = { rounds: 6, seconds: 3 };
  const split = argv.indexOf('--');
  if (split < 0)
    throw new Error(
      'usage: node bench/ab.mjs [--rounds N] [--seconds S] <scenario ...> -- <label>=<main.js>[,NAME:value...] ...',
    );
  const head = argv.slice(0, split);
  const scenarios = [];
  for (let i = 0; i < head.length; i++) {
    const arg = head[i];
    if (arg === '--rounds' || arg === '--seconds') {
      const value = Number(head[++i]);
      if (!Number.isInteger(value) || value <= 0)
        throw new Error(`${arg} takes a positive whole number, got ${head[i]}`);
      options[arg.slice(2)] = value;
    } else {
      const scenario = scenarioByName(arg);
      if (scenario.tickets) throw new Error(`${arg} logs out live tickets: ab.mjs runs [901] scenarios only`);
      scenarios.push(scenario.name);
    }
  }
  const builds = argv.slice(split + 1).map((spec) => {
    const equals = spec.indexOf('=');
    if (equals <= 0) throw new Error(`a build is <label>=<main.js>[,NAME:value...], got ${spec}`);
    const [main, ...settings] = spec.slice(equals + 1).split(',');
    const env = {};
    for (const setting of settings) {
      const colon = setting.indexOf(':');
      if (colon <= 0) throw new Error(`a setting is NAME:value, got ${setting} in ${spec}`);
      env[setting.slice(0, colon)] = setting.slice(colon + 1);
    }
    return { label: spec.slice(0, equals), main: path.resolve(main), env };
  });
  if (scenarios.length === 0 || builds.length < 2)
    throw new Error('name at least one scenario and two builds');
  return { ...options, scenarios, builds };
}

const { rounds, seconds, scenarios, builds } = parseArgs(process.argv.slice(2));

const runs = new Map();
for (let round = 0; round < rounds; round++) {
  const order = builds.map((_, i) => builds[(i + round) % builds.length]);
  const servers = await startInTurn(
    order.map((build) => () => startEmulatorProcess(build.label, { args: [build.main], env: build.env })),
  );
  try {
    for (const scenario of scenarios) {
      for (const server of servers) {
        const result = await runLoad({
          kind: 'throughput',
          origin: server.origin,
          serverPid: server.pid,
          scenario,
          connections: 32,
          warmupSec: 1,
          durationSec: seconds,
        });
        const key = `${scenario} ${server.label}`;
        if (!runs.has(key)) runs.set(key, []);
        runs.get(key).push({ rps: result.rps, cpuUs: (result.serverCpu * 1e6) / result.rps });
      }
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
for (const scenario of scenarios) {
  const first = median(runs.get(`${scenario} ${builds[0].label}`).map((run) => run.rps));
  for (const build of builds) {
    const own = runs.get(`${scenario} ${build.label}`);
    const rps = median(own.map((run) => run.rps));
    const versus =
      build === builds[0] ? '' : `  ${((rps / first - 1) * 100).toFixed(1)} % vs ${builds[0].label}`;
    console.log(
      `${scenario.padEnd(18)} ${build.label.padEnd(10)} ${Math.round(rps).toLocaleString('en-US').padStart(7)} req/s` +
        `  ${median(own.map((run) => run.cpuUs)).toFixed(1)} µs CPU/req${versus}` +
        `   rounds: ${own.map((run) => Math.round(run.rps)).join(' ')}`,
    );
  }
}
