// Phase: parse + bind of a 4 KB SOAP request (UpdateDocumentInfo with a full DocumentInfo) and
// of the LogOut envelope, in-process on the server core (bench/parse-bind.mjs). Target: the
// 4 KB request <= 25 µs.
import path from 'node:path';
import { BENCH_DIR, SERVER_CORE, spawnNode } from '../common.mjs';
import { log, waitForQuiet } from '../harness.mjs';

export async function parsePhase() {
  await waitForQuiet();
  const child = spawnNode([path.join(BENCH_DIR, 'parse-bind.mjs')], { core: SERVER_CORE });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench/parse-bind.mjs exited with ${code}:\n${out}`);
  const result = JSON.parse(out.trim().split('\n').pop());
  for (const r of result.results) log(`  ${r.request} (${r.bytes} B): ${r.usPerCall} µs per parse + bind`);
  return result;
}
