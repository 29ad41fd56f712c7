// Where the emulator spends its CPU under load, per scenario.
//
//   node bench/profile.mjs [--floor] [scenario ...]     (default: soap11-logout-901 get-logout-901)
//
// For each scenario: starts `node --cpu-prof dist/main.js` pinned to core 0 (with --floor, the
// floor server instead, for comparison), loads it from core 1 with the throughput job of
// bench/load.mjs (1 s warm-up, BENCH_PROFILE_SECONDS measured, default 5), stops it with SIGINT
// (main.js exits, and V8 writes the profile), then prints the top self-time functions and areas
// with CPU µs per request served (start-up, some 0.3 s of CPU, is in the profile too). Keeps
// bench/results/profile-<target>-<scenario>.cpuprofile (open it in Chrome DevTools' Performance
// panel) and the summary next to it as .txt. Needs a build (npm run build). Only scenarios that
// need no pre-issued tickets. `npm run bench` profiles every scenario too (bench/phases/profile.mjs).
import path from 'node:path';
import { BENCH_DIR, ROOT, emulatorReadyUrl, scenarioByName } from './common.mjs';
import { profileServer } from './profiling.mjs';

const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 5);
const args = process.argv.slice(2);
const floor = args.includes('--floor');
const named = args.filter((arg) => arg !== '--floor');
const names = named.length > 0 ? named : ['soap11-logout-901', 'get-logout-901'];

for (const name of names) {
  const scenario = scenarioByName(name);
  if (scenario.tickets || !scenario.golden) {
    throw new Error(
      `${name} needs pre-issued tickets or a captured answer; profile a [901] scenario instead`,
    );
  }
  const { text } = await profileServer({
    label: floor ? 'floor' : 'emulator',
    scenario: name,
    seconds,
    args: (port) =>
      floor
        ? [path.join(BENCH_DIR, 'floor-server.mjs'), scenario.golden, String(port)]
        : [path.join(ROOT, 'dist', 'main.js')],
    // The floor prints its URL; the emulator logs every request, so its stdout is discarded.
    readyUrl: floor ? undefined : emulatorReadyUrl,
  });
  console.log(`${text}\n`);
}
