// Where the emulator spends its CPU under load, per scenario.
//
//   node bench/profile.mjs [--floor] [scenario ...]     (default: soap11-logout-901 get-logout-901)
//
// For each scenario: starts `node --cpu-prof dist/main.js` pinned to core 0 (with --floor, the
// floor server instead, for comparison), loads it from core 1 with the throughput job of
// bench/load.mjs (1 s warm-up, BENCH_PROFILE_SECONDS measured, default 5), stops it with SIGINT
// (main.js exits, and V8 writes the profile), then prints the top self-time functions and areas
// with CPU µs per request served. Only the samples taken under the load (warm-up and measured)
// count: start-up and ticket issuing are not in. Keeps
// bench/results/profile-<target>-<scenario>.cpuprofile (that window; open it in Chrome DevTools'
// Performance panel) and the summary next to it as .txt. Needs a build (npm run build).
// `npm run bench` profiles every scenario too (bench/phases/profile.mjs).
//
// Success scenarios (soap11-logout-ok, soap12-logout-ok, get-logout-ok, post-logout-ok) log out
// a fresh live ticket per request: the profiled emulator issues them first, as the throughput
// phase's pool does (CreateTicketforUser over HTTP GET from the load core; the sessions they
// open stay followed in the server, as in the bench), enough for BENCH_PROFILE_RPS (default
// 25,000) req/s over the load with 30 % to spare. That takes some 15-25 s per scenario; a run
// that still runs out says so (its profile mixes in [901] answers): raise BENCH_PROFILE_RPS.
//
// BENCH_SERVER_ENV='{"ADMIN_API":"off"}' starts the emulator with those variables too (a JSON
// object of strings), and names its files after them (profile-emulator-ADMIN_API-off-<scenario>),
// so a profile with the admin API off sits beside the one at the defaults.
import path from 'node:path';
import { rmSync } from 'node:fs';
import { BENCH_DIR, ROOT, emulatorReadyUrl, scenarioByName } from './common.mjs';
import { numberFromEnv, workDir } from './harness.mjs';
import { issueTicketsFor, profileServer } from './profiling.mjs';

const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 5);
const expectedRps = numberFromEnv('BENCH_PROFILE_RPS', 25_000);
const args = process.argv.slice(2);
const floor = args.includes('--floor');
const named = args.filter((arg) => arg !== '--floor');
const names = named.length > 0 ? named : ['soap11-logout-901', 'get-logout-901'];
const serverEnv = JSON.parse(process.env.BENCH_SERVER_ENV || '{}');
if (typeof serverEnv !== 'object' || serverEnv === null || Array.isArray(serverEnv)) {
  throw new Error('BENCH_SERVER_ENV must be a JSON object, e.g. {"ADMIN_API":"off"}');
}
const envLabel = Object.entries(serverEnv)
  .map(([name, value]) => `-${name}-${String(value).replace(/[^\w.-]+/g, '_')}`)
  .join('');

// The ticket lists live in the harness's scratch directory, removed at the end.
try {
  for (const name of names) await profileScenario(name);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

async function profileScenario(name) {
  const scenario = scenarioByName(name);
  if (!scenario.golden) {
    throw new Error(`${name} needs a captured answer (the typed example): npm run bench profiles it`);
  }
  const { text } = await profileServer({
    label: floor ? 'floor' : `emulator${envLabel}`,
    scenario: name,
    seconds,
    args: (port) =>
      floor
        ? [path.join(BENCH_DIR, 'floor-server.mjs'), scenario.golden, String(port)]
        : [path.join(ROOT, 'dist', 'main.js')],
    // The floor prints its URL; the emulator logs every request, so its stdout is discarded.
    readyUrl: floor ? undefined : emulatorReadyUrl,
    env: Object.fromEntries(Object.entries(serverEnv).map(([name, value]) => [name, String(value)])),
    // The floor never looks at the ticket: the load sends one well-formed ticket throughout.
    ...(scenario.tickets && !floor
      ? { beforeLoad: issueTicketsFor(scenario, { expectedRps, seconds }) }
      : {}),
  });
  console.log(`${text}\n`);
}
