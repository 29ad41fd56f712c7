// Memory per live ticket in the emulator's MemoryTicketStore.
//
//   node --expose-gc bench/memory.mjs [count]      (default 1,000,000)
//
// Measures the heap after a full GC before the store exists and again once it holds `count`
// tickets, and prints one JSON line: bytes per ticket of JS heap (heapUsed) and of heap plus
// ArrayBuffers (the LRU keeps its links and expiry times in typed arrays, which live outside the
// JS heap; counting them is the honest figure). The store is built as the emulator builds it
// (30-day TTL, an epoch clock) with its bound at `count` (MAX_TICKETS' default is 1,000,000):
// the LRU allocates for its bound up front, so a store filled to it is the fair measure.
import { createRequire } from 'node:module';
import path from 'node:path';
import { DIST, USER } from './common.mjs';

const require = createRequire(import.meta.url);
const { MemoryTicketStore } = require(path.join(DIST, 'tickets', 'MemoryTicketStore.js'));

if (typeof globalThis.gc !== 'function') {
  console.error('run with --expose-gc');
  process.exit(2);
}
const count = Number(process.argv[2] ?? 1_000_000);

function settledMemory() {
  // Several passes: the first may leave garbage that only a later one finds (weak references).
  for (let i = 0; i < 3; i++) globalThis.gc();
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  return { heapUsed, arrayBuffers, rss };
}

const before = settledMemory();
const store = new MemoryTicketStore({
  ttlMs: 30 * 24 * 60 * 60 * 1000,
  maxTickets: count,
  clock: { now: () => Date.now() },
});
const started = Date.now();
for (let i = 0; i < count; i++) await store.issue(USER);
const issueMs = Date.now() - started;
const after = settledMemory();
const size = await store.size();
if (size !== count) throw new Error(`store holds ${size} tickets, expected ${count}`);

const heapBytes = after.heapUsed - before.heapUsed;
const bufferBytes = after.arrayBuffers - before.arrayBuffers;
console.log(
  JSON.stringify({
    tickets: count,
    issueMs,
    heapBytesPerTicket: heapBytes / count,
    arrayBufferBytesPerTicket: bufferBytes / count,
    totalBytesPerTicket: (heapBytes + bufferBytes) / count,
    rssBytesPerTicket: (after.rss - before.rss) / count,
  }),
);
