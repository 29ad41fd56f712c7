// The machine itself, before anything is measured: bench/stall-probe.mjs on both cores at once,
// how much of each core other processes and the hypervisor take, and in what bursts.
import path from 'node:path';
import { BENCH_DIR, LOAD_CORE, SERVER_CORE, spawnNode } from '../common.mjs';
import { fmtMs, log, waitForQuiet } from '../harness.mjs';

/** Runs bench/stall-probe.mjs on both cores at once: how much of each core others take. */
export async function environmentPhase() {
  const probe = (core) =>
    new Promise((resolve, reject) => {
      const child = spawnNode([path.join(BENCH_DIR, 'stall-probe.mjs'), '3'], { core });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.once('exit', (code) =>
        code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`stall probe: ${code}`)),
      );
    });
  await waitForQuiet();
  const [server, load] = await Promise.all([probe(SERVER_CORE), probe(LOAD_CORE)]);
  for (const [label, result] of [
    [`core ${SERVER_CORE} (servers)`, server],
    [`core ${LOAD_CORE} (load)`, load],
  ]) {
    log(
      `  ${label}: ${result.stalls} stalls over 0.5 ms in ${result.seconds} s, ${fmtMs(result.lostMs)} ms lost` +
        ` (${(result.lostShare * 100).toFixed(2)} %), longest ${result.longestMs.map(fmtMs).join(', ') || '-'} ms`,
    );
  }
  return { serverCore: server, loadCore: load };
}
