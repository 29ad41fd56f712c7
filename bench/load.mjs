// The load generator, run by run.mjs as its own process so it can be pinned to its own core:
//
//   taskset -c 1 node bench/load.mjs '<job as JSON>'
//
// It prints one JSON line with the result. Three kinds of job:
//
//   throughput  closed loop with autocannon: `connections` connections, pipelining 1, each sends
//               its next request as soon as the answer to the last one arrives. Warm-up first
//               (not counted), then `durationSec` measured. The answer is the maximum rate.
//   paced       open loop at a fixed `rate`: requests are due at evenly spaced instants and
//               sent on the first idle connection; latency runs from the instant a request was
//               due, so time spent queued behind a slow answer counts (no coordinated omission).
//               autocannon's own `overallRate` is not used for this: it lets every connection
//               run flat out until its quota for the current second is spent and then pause, so
//               "70 % of the maximum" is really 100 % for 0.7 s of every second and its p99 is
//               the saturated one.
//   issue       `count` CreateTicketforUser requests through autocannon; writes the tickets
//               the emulator issued to `outFile`, one per line.
//
// Every answer is checked: 2xx and the scenario's marker in the body, else it counts as a
// mismatch. Jobs that use tickets read them from `ticketsFile` (one per line): `consume` takes
// each once and reports how many it took; `cycle` goes round the list. Without a file (the
// floor, which never looks) every request carries the same random well-formed ticket.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import {
  ISSUE_PATH,
  TICKET_IN_BODY,
  UNKNOWN_TICKET,
  coreBusy,
  coreTimes,
  cpuTimeMs,
  scenarioByName,
} from './common.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const job = JSON.parse(process.argv[2] ?? '{}');

/** Hands out tickets for a scenario: a fresh one per request, or round a fixed list. */
function ticketSource(scenario, ticketsFile) {
  if (!scenario.tickets) return { dynamic: false, next: () => UNKNOWN_TICKET, used: 0, exhausted: 0 };
  // The floor answers without looking: one well-formed ticket makes requests of the same size,
  // and a fixed request spares the generator rebuilding it (at the floor's rate, it would be
  // the generator's limit rather than the server's).
  if (ticketsFile === undefined) {
    const ticket = randomUUID();
    return { dynamic: false, next: () => ticket, used: 0, exhausted: 0 };
  }
  const tickets = readFileSync(ticketsFile, 'utf8').split('\n').filter(Boolean);
  if (tickets.length === 0) throw new Error(`no tickets in ${ticketsFile}`);
  const source = {
    dynamic: true,
    used: 0,
    exhausted: 0,
    next() {
      if (scenario.tickets === 'cycle') return tickets[source.used++ % tickets.length];
      if (source.used < tickets.length) return tickets[source.used++];
      // Out of tickets: the answer is [901], which fails the marker check and shows in the result.
      source.exhausted++;
      return UNKNOWN_TICKET;
    },
  };
  return source;
}

function autocannonRun(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * CPU used while measuring (1.0 = one core): by this process, by the server, and by each core
 * as a whole. What the cores did beyond the two processes (and their network softirq) is
 * someone else's work: run.mjs warns when it is large enough to skew the figures.
 */
function cpuMeter(serverPid) {
  const start = {
    wall: performance.now(),
    self: process.cpuUsage(),
    server: cpuTimeMs(serverPid),
    cores: coreTimes(),
  };
  return () => {
    const wall = performance.now() - start.wall;
    const self = process.cpuUsage(start.self);
    const server = cpuTimeMs(serverPid);
    return {
      loadCpu: (self.user + self.system) / 1000 / wall,
      serverCpu:
        server === undefined || start.server === undefined ? undefined : (server - start.server) / wall,
      coreBusy: coreBusy(start.cores, coreTimes()),
    };
  };
}

/**
 * A fresh ticket in every request autocannon sends, at the cost of a copy. autocannon's own way,
 * `setupRequest`, rebuilds each request through its generic builder (two copies of every option,
 * then the bytes): ~15 µs per request, half the floor's whole answer, which made the generator
 * rather than the server the limit of the success runs. Instead, each connection (`setupClient`)
 * takes the bytes autocannon built for the request with UNKNOWN_TICKET in it, and before each
 * send puts the next ticket where that one was: the same bytes autocannon would build.
 */
function ticketPerRequest(scenario, tickets) {
  return (client) => {
    const iterator = client.requestIterator;
    const built = iterator.currentRequest.requestBuffer;
    const at = built.indexOf(UNKNOWN_TICKET, 0, 'latin1');
    if (at < 0 || built.indexOf(UNKNOWN_TICKET, at + 1, 'latin1') >= 0) {
      throw new Error(`${scenario.name}: the request does not carry its ticket exactly once`);
    }
    const head = built.subarray(0, at);
    const tail = built.subarray(at + UNKNOWN_TICKET.length);
    // Emitted just before each request is written (the first one on connecting too).
    client.on('request', () => {
      const ticket = tickets.next();
      let bytes;
      if (ticket.length === UNKNOWN_TICKET.length) {
        bytes = Buffer.allocUnsafe(built.length);
        head.copy(bytes, 0);
        bytes.write(ticket, at, 'latin1');
        tail.copy(bytes, at + ticket.length);
      } else {
        // Another length changes Content-Length: built the slow way.
        const { path, headers, body } = scenario.request(ticket);
        bytes = iterator.requestBuilder({ method: iterator.currentRequest.method, path, headers, body });
      }
      iterator.currentRequest.requestBuffer = bytes;
    });
  };
}

async function throughput(job) {
  const { origin, connections, warmupSec, durationSec, ticketsFile, serverPid } = job;
  const scenario = scenarioByName(job.scenario);
  const tickets = ticketSource(scenario, ticketsFile);
  const base = scenario.request(tickets.dynamic ? UNKNOWN_TICKET : tickets.next());
  const request = { method: base.method, path: base.path, headers: base.headers, body: base.body };
  const options = {
    url: origin,
    connections,
    pipelining: 1,
    requests: [request],
    verifyBody: (body) => body.includes(scenario.marker),
    ...(tickets.dynamic ? { setupClient: ticketPerRequest(scenario, tickets) } : {}),
  };
  const warmup = warmupSec > 0 ? await autocannonRun({ ...options, duration: warmupSec }) : undefined;
  const usedBeforeMeasuring = tickets.used;
  const cpu = cpuMeter(serverPid);
  const result = await autocannonRun({ ...options, duration: durationSec });
  const cpuShares = cpu();
  return {
    rps: result.requests.total / result.duration,
    requests: result.requests.total,
    durationSec: result.duration,
    warmupRequests: warmup?.requests.total ?? 0,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    ticketsUsed: tickets.used,
    ticketsUsedMeasuring: tickets.used - usedBeforeMeasuring,
    ticketsExhausted: tickets.exhausted,
    ...cpuShares,
  };
}

/** The raw bytes of a request: HTTP/1.1, keep-alive, Content-Length when there is a body. */
function rawRequest(host, { method, path, headers, body }) {
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  if (body !== undefined) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  return Buffer.from(`${head}\r\n${body ?? ''}`, 'utf8');
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const CONTENT_LENGTH = Buffer.from('\r\ncontent-length:');
const EMPTY = Buffer.alloc(0);

/**
 * Splits a keep-alive response stream into answers and checks each for `marker`, working on the
 * bytes (no strings, so the generator makes little garbage of its own). Enough HTTP for servers
 * that send Content-Length (the emulator and the floor); chunked answers are refused.
 */
class ResponseReader {
  constructor(marker, onAnswer) {
    this.marker = Buffer.from(marker);
    this.onAnswer = onAnswer;
    this.pending = EMPTY;
  }

  push(chunk) {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      const headerEnd = data.indexOf(HEADER_END, offset);
      if (headerEnd < 0) break;
      const length = contentLength(data, offset, headerEnd);
      const end = headerEnd + 4 + length;
      if (data.length < end) break;
      const status = (data[offset + 9] - 48) * 100 + (data[offset + 10] - 48) * 10 + (data[offset + 11] - 48);
      const markerAt = data.indexOf(this.marker, headerEnd + 4);
      this.onAnswer(status, markerAt >= 0 && markerAt + this.marker.length <= end);
      offset = end;
    }
    this.pending = offset < data.length ? data.subarray(offset) : EMPTY;
  }
}

/** The Content-Length of the head in data[start, headerEnd), its name in any case. */
function contentLength(data, start, headerEnd) {
  // `at` is the CR LF in front of each header line; the name is compared lower-cased (| 0x20
  // lower-cases letters and leaves '-' and ':' alone).
  for (let at = data.indexOf(CRLF, start); at >= 0 && at < headerEnd; at = data.indexOf(CRLF, at + 2)) {
    let matches = true;
    for (let i = 2; i < CONTENT_LENGTH.length && matches; i++) {
      matches = (data[at + i] | 0x20) === CONTENT_LENGTH[i];
    }
    if (!matches) continue;
    let value = 0;
    for (let i = at + CONTENT_LENGTH.length; i < headerEnd && data[i] !== 13; i++) {
      if (data[i] >= 48 && data[i] <= 57) value = value * 10 + data[i] - 48;
    }
    return value;
  }
  throw new Error(`answer without Content-Length:\n${data.toString('latin1', start, headerEnd)}`);
}

async function paced(job) {
  const { origin, rate, connections, warmupSec, durationSec, ticketsFile, serverPid } = job;
  const scenario = scenarioByName(job.scenario);
  const tickets = ticketSource(scenario, ticketsFile);
  const url = new URL(origin);
  const fixed = tickets.dynamic ? undefined : rawRequest(url.host, scenario.request(tickets.next()));
  const nextRequest = () => fixed ?? rawRequest(url.host, scenario.request(tickets.next()));

  const intervalNs = 1e9 / rate;
  const warmupNs = warmupSec * 1e9;
  const endNs = warmupNs + durationSec * 1e9;
  const latenciesMs = new Float64Array(Math.ceil(rate * durationSec * 1.05) + 1024);
  const stats = {
    recorded: 0,
    sent: 0,
    answered: 0,
    non2xx: 0,
    mismatches: 0,
    maxQueue: 0,
    errors: 0,
    maxStallNs: 0,
    stallNs: 0,
    closedByServer: 0,
  };
  let closing = false;
  let t0 = process.hrtime.bigint();
  const now = () => Number(process.hrtime.bigint() - t0);

  const idle = [];
  const queue = []; // due instants (ns since t0) of requests not sent yet
  let queueHead = 0;

  const sockets = await Promise.all(
    Array.from({ length: connections }, () => {
      return new Promise((resolve, reject) => {
        const socket = net.connect(Number(url.port), url.hostname, () => resolve(socket));
        socket.setNoDelay(true);
        socket.once('error', reject);
      });
    }),
  );
  for (const socket of sockets) {
    const connection = { socket, dueNs: 0 };
    const reader = new ResponseReader(scenario.marker, (status, hasMarker) => {
      const doneNs = now();
      stats.answered++;
      if (status < 200 || status > 299) stats.non2xx++;
      else if (!hasMarker) stats.mismatches++;
      // Only requests due in the measured window count.
      if (connection.dueNs >= warmupNs && connection.dueNs < endNs && stats.recorded < latenciesMs.length) {
        latenciesMs[stats.recorded++] = (doneNs - connection.dueNs) / 1e6;
      }
      idle.push(connection);
      dispatch();
    });
    socket.on('data', (chunk) => reader.push(chunk));
    socket.on('error', () => stats.errors++);
    // A connection the server closes is out of the pool; a request it carried is never answered.
    socket.on('close', () => {
      if (closing) return;
      stats.closedByServer++;
      const at = idle.indexOf(connection);
      if (at >= 0) idle.splice(at, 1);
    });
    idle.push(connection);
  }

  // The clock starts once every connection is open.
  t0 = process.hrtime.bigint();
  let nextDueNs = 0;
  let lastTickNs = 0;
  let measureCpu;
  function dispatch() {
    while (queueHead < queue.length && idle.length > 0) {
      const connection = idle.pop();
      connection.dueNs = queue[queueHead++];
      stats.sent++;
      connection.socket.write(nextRequest());
    }
    if (queueHead > 4096 && queueHead * 2 > queue.length) {
      queue.splice(0, queueHead);
      queueHead = 0;
    }
  }

  // A busy loop (the generator owns its core): each turn of the event loop queues the requests
  // that have fallen due and sends what idle connections allow; socket I/O runs in between.
  await new Promise((resolve) => {
    const tick = () => {
      const t = now();
      if (measureCpu === undefined && t >= warmupNs) measureCpu = cpuMeter(serverPid);
      // A long gap between turns is the generator's own stall (its GC, or another process on its
      // core): requests fall due meanwhile and their latency grows through no fault of the server.
      if (t >= warmupNs) {
        stats.maxStallNs = Math.max(stats.maxStallNs, t - lastTickNs);
        stats.stallNs += Math.max(0, t - lastTickNs - 1e6);
      }
      lastTickNs = t;
      while (nextDueNs <= t && nextDueNs < endNs) {
        queue.push(nextDueNs);
        nextDueNs += intervalNs;
      }
      if (t >= warmupNs) stats.maxQueue = Math.max(stats.maxQueue, queue.length - queueHead);
      dispatch();
      if (nextDueNs < endNs) setImmediate(tick);
      else resolve();
    };
    tick();
  });
  const cpuShares = measureCpu();
  // Let the last answers arrive (at most 2 s), then close.
  const drainUntil = now() + 2e9;
  const open = () => connections - stats.closedByServer;
  while ((queueHead < queue.length || idle.length < open()) && now() < drainUntil) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  closing = true;
  for (const socket of sockets) socket.destroy();

  const sorted = latenciesMs.subarray(0, stats.recorded).sort();
  const at = (q) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN;
  return {
    rate,
    achievedRps: stats.recorded / durationSec,
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: at(1) },
    sent: stats.sent,
    answered: stats.answered,
    unanswered: stats.sent - stats.answered + (queue.length - queueHead),
    non2xx: stats.non2xx,
    mismatches: stats.mismatches,
    errors: stats.errors,
    closedByServer: stats.closedByServer,
    maxQueue: stats.maxQueue,
    generatorMaxStallMs: stats.maxStallNs / 1e6,
    // Share of the measured time the generator spent in turns longer than 1 ms: above ~1 %, its
    // own stalls could be what the p99 shows.
    generatorStallShare: stats.stallNs / (durationSec * 1e9),
    ticketsUsed: tickets.used,
    ticketsExhausted: tickets.exhausted,
    ...cpuShares,
  };
}

async function issue({ origin, count, outFile }) {
  const tickets = [];
  const result = await autocannonRun({
    url: origin,
    connections: Math.min(32, count),
    pipelining: 1,
    amount: count,
    requests: [
      {
        method: 'GET',
        path: ISSUE_PATH,
        onResponse: (status, body) => {
          const match = TICKET_IN_BODY.exec(body);
          if (status === 200 && match) tickets.push(match[1]);
        },
      },
    ],
  });
  writeFileSync(outFile, tickets.join('\n'));
  return { issued: tickets.length, rps: result.requests.total / result.duration };
}

const jobs = { throughput, paced, issue };
if (!jobs[job.kind]) {
  console.error(`usage: node bench/load.mjs '{"kind": "throughput" | "paced" | "issue", ...}'`);
  process.exit(2);
}
jobs[job.kind](job).then(
  (result) => console.log(JSON.stringify(result)),
  (error) => {
    console.error(error.stack ?? String(error));
    process.exit(1);
  },
);
