// How much a core is taken away from a process that wants it all the time.
//
//   taskset -c 0 node bench/stall-probe.mjs [seconds]      (default 3)
//
// Spins reading the clock and records every gap over 0.5 ms between two reads: time the process
// was not running (another process, a kernel thread, the hypervisor) or was paused (its own GC,
// rare here: the loop allocates almost nothing). Prints one JSON line. A server pinned to the
// same core loses the same time, and at 70 % load each such stall shows in the latency tail
// about 1 / (1 - 0.7) = 3.3 times over, while the queue it left drains.
const seconds = Number(process.argv[2] ?? 3);
const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
const gaps = [];
let last = process.hrtime.bigint();
for (;;) {
  const now = process.hrtime.bigint();
  if (now > end) break;
  const gapMs = Number(now - last) / 1e6;
  if (gapMs > 0.5) gaps.push(gapMs);
  last = now;
}
gaps.sort((a, b) => b - a);
const lostMs = gaps.reduce((sum, gap) => sum + gap, 0);
console.log(
  JSON.stringify({
    seconds,
    stalls: gaps.length,
    lostMs,
    lostShare: lostMs / (seconds * 1000),
    longestMs: gaps.slice(0, 5),
  }),
);
