// The emulator with its memory store already holding N live tickets.
//
//   node --expose-gc bench/emulator-with-tickets.mjs <count> <sampleFile> [port]
//
// Builds the emulator from dist/ exactly as main.js does (createEmulator + startServer, default
// configuration, memory store), issues <count> tickets for jsmith through `emulator.store.issue`
// before listening, and writes a sample of them (at most 100,000, evenly spread over the issue
// order, so lookups touch the whole store rather than a cache-warm corner) to <sampleFile>, one
// per line, for the load generator to cycle through. Prints the URL once listening.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DIST, USER } from './common.mjs';

const require = createRequire(import.meta.url);
const { createEmulator } = require(path.join(DIST, 'emulator.js'));
const { startServer } = require(path.join(DIST, 'server.js'));

const MAX_SAMPLE = 100_000;

const [countArg, sampleFile, port = '0'] = process.argv.slice(2);
const count = Number(countArg);
if (!Number.isInteger(count) || count < 1 || !sampleFile) {
  console.error('usage: node bench/emulator-with-tickets.mjs <count> <sampleFile> [port]');
  process.exit(2);
}

// Room for every ticket: the default bound (MAX_TICKETS) is 1,000,000.
const emulator = createEmulator({ config: { maxTickets: Math.max(count, 1_000_000) } });
const every = Math.max(1, Math.floor(count / MAX_SAMPLE));
const sample = [];
const started = Date.now();
for (let i = 0; i < count; i++) {
  const { ticket } = await emulator.store.issue(USER);
  if (i % every === 0 && sample.length < MAX_SAMPLE) sample.push(ticket);
}
const fillMs = Date.now() - started;
writeFileSync(sampleFile, sample.join('\n'));
// Start from a settled heap, as a server that gathered its tickets over hours would: the fill
// leaves V8 mid-way through collecting (run with --expose-gc for this).
globalThis.gc?.();

const running = await startServer(emulator, Number(port), '127.0.0.1');
const heapMb = (process.memoryUsage().heapUsed / 1e6).toFixed(0);
console.log(
  `emulator with ${count} tickets (filled in ${fillMs} ms, heap ${heapMb} MB) listening ${running.origin}`,
);
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
