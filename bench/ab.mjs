// Two (or more) emulator builds, or one build under different settings, on the same load,
// alternated: the way to see what one change gains on a VM whose speed drifts between runs.
//
//   node bench/ab.mjs [--rounds N] [--seconds S] <scenario ...> -- <label>=<main.js>[,NAME:value...] ...
//
//   node bench/ab.mjs soap11-logout-901 get-logout-901 -- before=/tmp/before/dist/main.js after=dist/main.js
//   node bench/ab.mjs soap11-logout-901 -- on=dist/main.js off=dist/main.js,ADMIN_API:off
//
// Every build is started once, pinned to the server core, and stays up (idle) while the others
// run. Each round runs every scenario on every build, one closed-loop run each (1 s warm-up, then
// --seconds, default 3, at the throughput phase's 32 connections), the builds' order reversed
// every other round so a drift of the machine hits each side alike. A build to compare with is
// made in a worktree: `git worktree add /tmp/before <rev> && ln -s "$PWD/node_modules"
// /tmp/before/ && (cd /tmp/before && npx tsc -p tsconfig.build.json)`; it reads its fixtures
// relative to its own dist/.
//
// Prints per scenario and build the median req/s and server CPU µs per request of the rounds
// (--rounds, default 5), each round's req/s, and each build's median against the first's. [901]
// scenarios only: a success scenario needs tickets issued to each build (bench/run.mjs does that).
import path from 'node:path';
import { SERVER_CORE, emulatorReadyUrl, freePort, scenarioByName, startServerProcess } from './common.mjs';
import { median, runLoad } from './harness.mjs';

function parseArgs(argv) {
  const options = { rounds: 5, seconds: 3 };
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
const servers = [];
try {
  for (const build of builds) {
    const port = await freePort();
    servers.push(
      await startServerProcess(build.label, [build.main], {
        core: SERVER_CORE,
        readyUrl: emulatorReadyUrl(port),
        env: { ...build.env, PORT: String(port), HOST: '127.0.0.1' },
      }),
    );
  }
  const runs = new Map();
  for (let round = 1; round <= rounds; round++) {
    for (const scenario of scenarios) {
      for (const server of round % 2 === 0 ? [...servers].reverse() : servers) {
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
  }
  for (const scenario of scenarios) {
    const first = median(runs.get(`${scenario} ${servers[0].label}`).map((run) => run.rps));
    for (const server of servers) {
      const own = runs.get(`${scenario} ${server.label}`);
      const rps = median(own.map((run) => run.rps));
      const versus =
        server === servers[0] ? '' : `  ${((rps / first - 1) * 100).toFixed(1)} % vs ${servers[0].label}`;
      console.log(
        `${scenario.padEnd(18)} ${server.label.padEnd(10)} ${Math.round(rps).toLocaleString('en-US').padStart(7)} req/s` +
          `  ${median(own.map((run) => run.cpuUs)).toFixed(1)} µs CPU/req${versus}` +
          `   rounds: ${own.map((run) => Math.round(run.rps)).join(' ')}`,
      );
    }
  }
} finally {
  await Promise.all(servers.map((server) => server.stop()));
}
