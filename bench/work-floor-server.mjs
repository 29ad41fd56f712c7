// The necessary work: the fastest a node:http server on this machine can answer a LogOut scenario
// while doing the work no emulator can skip.
//
//   node bench/work-floor-server.mjs <scenario> [port] [--tickets N]
//
// It answers the same bytes as floor-server.mjs for the scenario (the golden of
// fixtures/exchanges/: status, headers in their order, body; node:http's own Date), and per
// request does only what an emulator must do to give that answer and account for it:
//
// - reads the body to its end (as the floor);
// - takes the ticket out of the request: SOAP, the body decoded with a fatal UTF-8 TextDecoder and
//   read by the emulator's own XML reader (readXmlDocument, dist/xml/xmlReader.js), then the text
//   of Envelope > Body > LogOut > AuthenticationTicket (children found by local name); HTTP GET,
//   the AuthenticationTicket parameter of the query string; form POST, that of the urlencoded
//   body (both percent-decoded, `+` as a space);
// - looks it up in an lru-cache LRUCache configured as src/tickets/MemoryTicketStore.ts configures
//   its own (maxSize 1,000,000 with each ticket counting 1, 30-day ttl read from the clock at every
//   check, no autopurge, no age update on get, no stale answers, a dispose callback), pre-filled
//   with `--tickets` tickets (100,000 unless told): a [901] scenario peeks and misses; a success
//   scenario peeks and, the ticket found, deletes it: the memory store's revoke (`takeLive`),
//   on tickets this process issued beforehand through `GET /issue?count=N` (as the emulator's
//   store holds the tickets the bench issued it);
// - counts the request and observes its duration in the emulator's own Metrics
//   (dist/observability/metrics.js: prom-client Counter and Histogram subclasses whose children,
//   bound once here, count in plain numbers), and writes one pino line at info with the fields
//   the emulator logs (service, transport, operation, requestId, method, outcome, status, ms)
//   through the emulator's own logger (createLogger and RequestLogLine: buffered writes to fd 1).
//   The cheapest way known of doing that work, so this server's throughput is an upper bound for
//   any emulator doing it; plain prom-client children and pino's `child.info` cost ~1 µs and
//   ~3.3 µs per request on the development VM, against ~0.04 µs and ~1.8 µs here. Start it with
//   stdout on /dev/null (as the bench starts the emulator): a pipe would slow the writes down.
//
// It decides nothing else: no routing beyond its two control paths (`/issue?count=N`, `/metrics`),
// no header checks, no answer built. A request it cannot take a ticket out of gets a bare 400.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { TextDecoder } from 'node:util';
import { LRUCache } from 'lru-cache';
import { DIST, USER, readGolden, scenarioByName } from './common.mjs';

const require = createRequire(import.meta.url);
const distModule = (name) => {
  try {
    return require(`${DIST}/${name}.js`);
  } catch (error) {
    console.error(`work floor: cannot load dist/${name}.js (run npm run build first): ${error.message}`);
    process.exit(2);
  }
};
const { readXmlDocument } = distModule('xml/xmlReader');
const { Metrics } = distModule('observability/metrics');
const { createLogger } = distModule('observability/logger');
const { RequestLogLine } = distModule('observability/requestLogLine');

const argv = process.argv.slice(2);
const ticketsAt = argv.indexOf('--tickets');
const storeTickets = ticketsAt >= 0 ? Number(argv.splice(ticketsAt, 2)[1]) : 100_000;
const [name, port = '0'] = argv;
if (!name || !Number.isInteger(storeTickets) || storeTickets < 0) {
  console.error('usage: node bench/work-floor-server.mjs <scenario> [port] [--tickets N]');
  process.exit(2);
}
const scenario = scenarioByName(name);
/** How the ticket travels, the emulator's transport label, and whether LogOut finds it live. */
const TRANSPORTS = { soap11: 'soap11', soap12: 'soap12', get: 'http-get', post: 'http-post' };
const transport = TRANSPORTS[name.split('-')[0]];
if (!transport || !name.includes('-logout-')) {
  console.error(`work floor: ${name} is not a LogOut scenario (soap11, soap12, get, post)`);
  process.exit(2);
}

// The floor's answer (floor-server.mjs), without a Date of the golden's: node:http adds its own.
const answer = readGolden(scenario.golden);
const headers = Object.fromEntries(
  answer.headers.filter(([header]) => !['content-length', 'date'].includes(header.toLowerCase())),
);
headers['Content-Length'] = answer.body.length;

// The emulator's metrics (its registry, prom-client's default metrics included).
const metrics = new Metrics(async () => store.size);

// The store, as MemoryTicketStore builds it with the defaults (MAX_TICKETS, TICKET_TTL_DAYS).
const MAX_TICKETS = 1_000_000;
const TTL_MS = 30 * 24 * 60 * 60 * 1000;
const store = new LRUCache({
  maxSize: MAX_TICKETS,
  sizeCalculation: () => 1,
  ttl: TTL_MS,
  ttlResolution: 0,
  ttlAutopurge: false,
  updateAgeOnGet: false,
  allowStale: false,
  perf: { now: () => Date.now() },
  // The emulator always passes onEvict (its metric, and the session's end).
  dispose: (_value, _key, reason) => reason === 'evict' && metrics.evictions.inc(),
});
const USER_KEY = USER.toLowerCase();
/** A ticket as the emulator's newTicket makes it: a flat 36-byte string. */
const newTicket = () => Buffer.from(randomUUID(), 'latin1').toString('latin1');
for (let i = 0; i < storeTickets; i++) store.set(newTicket(), USER_KEY);

// The request counter, the duration histogram and the log line, bound once as src/emulator.ts
// binds them.
const logger = createLogger('info');
const line = new RequestLogLine(logger.child({ service: '/srv.asmx', transport, operation: 'LogOut' }));
const duration = metrics.duration.labels(transport);
const counted = {
  success: metrics.requests.labels('LogOut', transport, 'success'),
  E901: metrics.requests.labels('LogOut', transport, 'E901'),
};
let requestSequence = 0;
const requestIdPrefix = `${process.pid.toString(36)}-`;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const TICKET_PARAMETER = 'AuthenticationTicket=';
/** Where the ticket is, in SOAP 1.1 and 1.2 alike (local names: the namespaces are not checked). */
const PATH = ['Envelope', 'Body', 'LogOut', 'AuthenticationTicket'];

/** The ticket of a SOAP request body, or undefined. */
function soapTicket(body) {
  let text;
  try {
    text = utf8.decode(body);
  } catch {
    return undefined;
  }
  const document = readXmlDocument(text);
  if (document.error) return undefined;
  let element = document.root;
  if (element.localName !== PATH[0]) return undefined;
  for (let depth = 1; depth < PATH.length && element; depth++) element = childNamed(element, PATH[depth]);
  return element?.text;
}

function childNamed(element, localName) {
  for (const child of element.children) if (child.localName === localName) return child;
  return undefined;
}

/** The AuthenticationTicket value of `name=value&...` from `start`, decoded, or undefined. */
function parameterTicket(text, start) {
  for (let at = start; at < text.length;) {
    const amp = text.indexOf('&', at);
    const end = amp < 0 ? text.length : amp;
    if (text.startsWith(TICKET_PARAMETER, at)) {
      const raw = text.slice(at + TICKET_PARAMETER.length, end);
      try {
        return decodeURIComponent(raw.includes('+') ? raw.replaceAll('+', ' ') : raw);
      } catch {
        return undefined;
      }
    }
    at = end + 1;
  }
  return undefined;
}

function ticketOf(req, body) {
  if (transport === 'http-get') {
    const query = req.url.indexOf('?');
    return query < 0 ? undefined : parameterTicket(req.url, query + 1);
  }
  if (transport === 'http-post') return parameterTicket(body.toString('latin1'), 0);
  return soapTicket(body);
}

/** LogOut in the store: a live ticket is revoked (peek, then delete), as MemoryTicketStore.takeLive. */
function logOut(ticket) {
  const userKey = store.peek(ticket);
  if (userKey === undefined) return 'E901';
  store.delete(ticket);
  return 'success';
}

function serve(req, res, body, started) {
  const ticket = ticketOf(req, body);
  if (ticket === undefined) {
    res.writeHead(400, { 'Content-Type': 'text/plain', 'Content-Length': 9 });
    res.end('no ticket');
    return;
  }
  const outcome = logOut(ticket);
  res.writeHead(answer.status, headers);
  res.end(answer.body);
  // Told after the answer is out, as the emulator's observe.
  const ms = performance.now() - started;
  counted[outcome].inc();
  duration.observe(ms / 1000);
  if (line.enabled()) {
    line.write(
      req.headers['x-request-id'] ?? requestIdPrefix + (++requestSequence).toString(36),
      req.method,
      outcome,
      answer.status,
      ms,
    );
  }
}

/** The bench's control paths, off the measured path: tickets for a success run, and the metrics. */
async function control(req, res) {
  if (req.url === '/metrics') {
    res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
    res.end(await metrics.registry.metrics());
    return;
  }
  const count = Number(new URL(req.url, 'http://work-floor').searchParams.get('count'));
  const tickets = [];
  for (let i = 0; i < count; i++) {
    const ticket = newTicket();
    store.set(ticket, USER_KEY);
    tickets.push(ticket);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(tickets.join('\n'));
}

const EMPTY = Buffer.alloc(0);
const server = http.createServer((req, res) => {
  const started = performance.now();
  if (req.url === '/metrics' || req.url.startsWith('/issue?')) {
    req.resume();
    req.on('end', () => control(req, res).catch(() => res.destroy()));
    return;
  }
  let first;
  let chunks;
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (first === undefined) first = chunk;
    else (chunks ??= [first]).push(chunk);
  });
  req.on('end', () =>
    serve(req, res, chunks !== undefined ? Buffer.concat(chunks, size) : (first ?? EMPTY), started),
  );
});

server.listen(Number(port), '127.0.0.1', () => {
  const { address, port: actual } = server.address();
  console.log(`work floor (${name}, ${store.size} tickets) listening http://${address}:${actual}`);
});
// Nothing to flush that matters (the lines go to /dev/null): stop at once.
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
