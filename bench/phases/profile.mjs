// Phase: a CPU profile summary per scenario (bench/profiling.mjs): the emulator under the
// throughput load of each LogOut scenario, and of each typed scenario (a live ticket issued
// first), with µs of CPU per request by function and by area. A success scenario's profiled
// emulator first issues the tickets its load logs out, as the throughput phase's pool does
// (enough for the rate the throughput phase measured, at least 20,000 req/s: some 10-15 s per
// scenario), and only the load is in the profile. The floor's of the same scenario runs too:
// the cost no server can skip. Kept in the results JSON (`profiles`) and as
// bench/results/profile-*.{cpuprofile,txt}.
import path from 'node:path';
import { BENCH_DIR, ROOT, emulatorReadyUrl, scenarioByName } from '../common.mjs';
import { log, settings, waitForQuiet } from '../harness.mjs';
import { issueTicketsFor, profileServer } from '../profiling.mjs';
import { TYPED_SCENARIOS, TYPED_VARIANTS, liveTicketFile } from './typed.mjs';

const line = (label, p) =>
  log(
    `  ${label.padEnd(34)} ${p.usPerRequest.toFixed(1).padStart(6)} µs/req; top: ` +
      p.summary.functions
        .slice(0, 3)
        .map((f) => `${f.name.replace(/ \S*:\d+$/, '').trim()} ${f.usPerRequest}`)
        .join(', ') +
      (p.problems ? `  (${p.problems.join('; ')})` : ''),
  );

export async function profilePhase(results = {}) {
  const profiles = {};
  const seconds = settings.profileSec;
  for (const name of settings.scenarios) {
    const scenario = scenarioByName(name);
    // Unprofiled, the emulator is faster than under the profiler (a disturbed run slower still):
    // enough tickets either way.
    const expectedRps = Math.max(results.throughput?.[name]?.emulator?.rps ?? 0, 20_000);
    await waitForQuiet();
    const emulator = await profileServer({
      label: 'emulator',
      scenario: name,
      seconds,
      top: 12,
      args: () => [path.join(ROOT, 'dist', 'main.js')],
      readyUrl: emulatorReadyUrl,
      ...(scenario.tickets ? { beforeLoad: issueTicketsFor(scenario, { expectedRps, seconds }) } : {}),
    });
    line(`${name} emulator`, emulator);
    await waitForQuiet();
    const floor = await profileServer({
      label: 'floor',
      scenario: name,
      seconds,
      top: 12,
      args: (port) => [path.join(BENCH_DIR, 'floor-server.mjs'), scenario.golden, String(port)],
    });
    line(`${name} floor`, floor);
    profiles[name] = { emulator: strip(emulator), floor: strip(floor) };
  }
  for (const variant of Object.keys(TYPED_VARIANTS)) {
    for (const name of TYPED_SCENARIOS) {
      // The profiled process issues the ticket its load uses (CreateTicketforUser, before the load).
      await waitForQuiet();
      const emulator = await profileServer({
        label: `emulator-${variant}`,
        scenario: name,
        seconds,
        top: 12,
        args: () => [path.join(ROOT, 'dist', 'main.js'), '--config', TYPED_VARIANTS[variant]],
        readyUrl: emulatorReadyUrl,
        beforeLoad: async (origin) => ({
          ticketsFile: (await liveTicketFile(origin, `profile-${variant}`)).file,
        }),
      });
      line(`${name} ${variant}`, emulator);
      profiles[`${name}-${variant}`] = { emulator: strip(emulator) };
    }
  }
  return profiles;
}

const strip = ({ text: _text, ...rest }) => rest;
