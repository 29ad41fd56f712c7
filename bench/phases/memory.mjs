// Phase 3: heap per live ticket with 1,000,000 tickets in the MemoryTicketStore
// (bench/memory.mjs). Target: <= 250 bytes.
import path from 'node:path';
import { BENCH_DIR, SERVER_CORE, spawnNode } from '../common.mjs';
import { fmtInt, log, settings } from '../harness.mjs';

export async function memoryPhase() {
  const args = ['--expose-gc', path.join(BENCH_DIR, 'memory.mjs'), String(settings.storeTickets)];
  const child = spawnNode(args, { core: SERVER_CORE });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench/memory.mjs exited with ${code}:\n${out}`);
  const result = JSON.parse(out.trim().split('\n').pop());
  log(
    `  ${fmtInt(result.tickets)} tickets: ${result.heapBytesPerTicket.toFixed(0)} B/ticket JS heap` +
      ` + ${result.arrayBufferBytesPerTicket.toFixed(0)} B in typed arrays` +
      ` (rss ${result.rssBytesPerTicket.toFixed(0)} B/ticket; issued in ${fmtInt(result.issueMs)} ms)`,
  );
  return result;
}
