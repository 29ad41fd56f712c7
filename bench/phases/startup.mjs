// Phase 5: spawn of `node dist/main.js` to its first answered request, median of 5, with a bare
// node:http server timed alongside. Target: <= 500 ms.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import { ROOT, SERVER_CORE, freePort, request, spawnNode, stopProcess } from '../common.mjs';
import { fmtMs, log, median, settings, waitForQuiet } from '../harness.mjs';

/** Spawns a server on `port` and polls until it answers; ms from spawn to that answer. */
async function timeToFirstAnswer(args, port, check) {
  await waitForQuiet();
  const started = performance.now();
  const child = spawnNode(args, {
    core: SERVER_CORE,
    env: { PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
      try {
        const answer = await request(`http://127.0.0.1:${port}`, {
          path: '/srv.asmx/LogOut?AuthenticationTicket=x',
        });
        const elapsed = performance.now() - started;
        if (!check(answer)) throw new Error(`unexpected first answer: ${answer.status} ${answer.body}`);
        return elapsed;
      } catch (error) {
        if (error.code !== 'ECONNREFUSED' && error.code !== 'ECONNRESET') throw error;
        await setImmediate();
      }
    }
  } finally {
    await stopProcess(child);
    await exited;
  }
}

export async function startupPhase() {
  const emulatorRuns = [];
  const bareRuns = [];
  // What node itself costs: a bare node:http server started the same way.
  const bare = [
    '-e',
    "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '127.0.0.1');" +
      "process.once('SIGTERM', () => process.exit(0));",
  ];
  for (let i = 0; i < settings.startupRuns; i++) {
    emulatorRuns.push(
      await timeToFirstAnswer([path.join(ROOT, 'dist', 'main.js')], await freePort(), (a) =>
        a.body.includes('[901]'),
      ),
    );
    bareRuns.push(await timeToFirstAnswer(bare, await freePort(), (a) => a.status === 200));
  }
  const result = { runsMs: emulatorRuns, medianMs: median(emulatorRuns), bareNodeMedianMs: median(bareRuns) };
  log(
    `  node dist/main.js: median ${fmtMs(result.medianMs)} ms (runs ${emulatorRuns.map(fmtMs).join(', ')});` +
      ` bare node:http: ${fmtMs(result.bareNodeMedianMs)} ms`,
  );
  return result;
}
