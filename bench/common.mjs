// Shared by the benchmark scripts: paths, the scenarios, the golden answers, process helpers.
//
// A scenario is one kind of request, described once here and used by every process: the load
// generator builds its requests from it, the floor server answers its golden bytes, and run.mjs
// checks every response against its marker.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(BENCH_DIR, '..');
export const DIST = path.join(ROOT, 'dist');
export const WSDL_FILE = path.join(ROOT, 'wsdl', 'srv.wsdl');
export const EXCHANGES_DIR = path.join(ROOT, 'fixtures', 'exchanges');

/** The trusted password and user of the fixtures, for CreateTicketforUser. */
export const TRUSTED_PASSWORD = 'MyServerSecret';
export const USER = 'jsmith';

/** A well-formed ticket that no store ever issued: LogOut answers [901] for it. */
export const UNKNOWN_TICKET = '00000000-0000-4000-8000-000000000000';

const SOAP11_HEADERS = {
  'Content-Type': 'text/xml; charset=utf-8',
  SOAPAction: '"http://tempuri.org/LogOut"',
};
const SOAP12_HEADERS = { 'Content-Type': 'application/soap+xml; charset=utf-8' };
const FORM_HEADERS = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** The SOAP 1.1 LogOut request a generated .NET proxy sends. */
function soap11LogOut(ticket) {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
    '<soap:Body><LogOut xmlns="http://tempuri.org/">' +
    `<AuthenticationTicket>${ticket}</AuthenticationTicket>` +
    '</LogOut></soap:Body></soap:Envelope>'
  );
}

/** The SOAP 1.2 LogOut request a generated .NET proxy sends (the action is in the Content-Type, optional). */
function soap12LogOut(ticket) {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<soap12:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap12="http://www.w3.org/2003/05/soap-envelope">' +
    '<soap12:Body><LogOut xmlns="http://tempuri.org/">' +
    `<AuthenticationTicket>${ticket}</AuthenticationTicket>` +
    '</LogOut></soap12:Body></soap12:Envelope>'
  );
}

/** GetDocumentInfo of the typed example (examples/inforouter-documents), as fixtures/typed sends it. */
export const DOCUMENT_PATH = '/Finance/Reports/Q1.pdf';
function soap11GetDocumentInfo(ticket) {
  return (
    '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
    '<soap:Body><GetDocumentInfo xmlns="http://tempuri.org/">' +
    `<authenticationTicket>${ticket}</authenticationTicket><path>${DOCUMENT_PATH}</path>` +
    '</GetDocumentInfo></soap:Body></soap:Envelope>'
  );
}

const MARKER_901 = 'success="false" error="[901] Session expired or Invalid ticket"';
const MARKER_OK = 'success="true"';

/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} label        what the table shows
 * @property {string} golden       fixtures/exchanges/<golden>.http: the bytes the floor answers
 * @property {string} marker       every 2xx body must contain this (node-soap's envelope differs)
 * @property {'consume' | 'cycle' | undefined} tickets
 *   consume: each request uses a fresh pre-issued ticket once (LogOut success);
 *   cycle: requests go round a list of live tickets (isValidTicket on a full store)
 * @property {boolean} nodeSoap    whether node-soap can serve it (SOAP 1.1 only)
 * @property {(ticket: string) => {method: string, path: string, headers: object, body?: string}} request
 */

/** @type {Scenario[]} */
export const SCENARIOS = [
  {
    name: 'soap11-logout-901',
    label: 'SOAP 1.1 LogOut [901]',
    golden: 'soap11-logout-again',
    marker: MARKER_901,
    nodeSoap: true,
    request: () => ({
      method: 'POST',
      path: '/srv.asmx',
      headers: SOAP11_HEADERS,
      body: soap11LogOut(UNKNOWN_TICKET),
    }),
  },
  {
    name: 'soap11-logout-ok',
    label: 'SOAP 1.1 LogOut ok',
    golden: 'soap11-logout-ok',
    marker: MARKER_OK,
    tickets: 'consume',
    nodeSoap: true,
    request: (ticket) => ({
      method: 'POST',
      path: '/srv.asmx',
      headers: SOAP11_HEADERS,
      body: soap11LogOut(ticket),
    }),
  },
  {
    name: 'soap12-logout-901',
    label: 'SOAP 1.2 LogOut [901]',
    golden: 'soap12-logout-again',
    marker: MARKER_901,
    nodeSoap: true,
    request: () => ({
      method: 'POST',
      path: '/srv.asmx',
      headers: SOAP12_HEADERS,
      body: soap12LogOut(UNKNOWN_TICKET),
    }),
  },
  {
    name: 'soap12-logout-ok',
    label: 'SOAP 1.2 LogOut ok',
    golden: 'soap12-logout-ok',
    marker: MARKER_OK,
    tickets: 'consume',
    nodeSoap: true,
    request: (ticket) => ({
      method: 'POST',
      path: '/srv.asmx',
      headers: SOAP12_HEADERS,
      body: soap12LogOut(ticket),
    }),
  },
  {
    name: 'get-logout-901',
    label: 'HTTP GET LogOut [901]',
    golden: 'get-logout-again',
    marker: MARKER_901,
    nodeSoap: false,
    request: () => ({
      method: 'GET',
      path: `/srv.asmx/LogOut?AuthenticationTicket=${UNKNOWN_TICKET}`,
      headers: {},
    }),
  },
  {
    name: 'get-logout-ok',
    label: 'HTTP GET LogOut ok',
    golden: 'get-logout-ok',
    marker: MARKER_OK,
    tickets: 'consume',
    nodeSoap: false,
    request: (ticket) => ({
      method: 'GET',
      path: `/srv.asmx/LogOut?AuthenticationTicket=${ticket}`,
      headers: {},
    }),
  },
  {
    name: 'post-logout-901',
    label: 'form POST LogOut [901]',
    golden: 'post-logout-again',
    marker: MARKER_901,
    nodeSoap: false,
    request: () => ({
      method: 'POST',
      path: '/srv.asmx/LogOut',
      headers: FORM_HEADERS,
      body: `AuthenticationTicket=${UNKNOWN_TICKET}`,
    }),
  },
  {
    name: 'post-logout-ok',
    label: 'form POST LogOut ok',
    golden: 'post-logout-ok',
    marker: MARKER_OK,
    tickets: 'consume',
    nodeSoap: false,
    request: (ticket) => ({
      method: 'POST',
      path: '/srv.asmx/LogOut',
      headers: FORM_HEADERS,
      body: `AuthenticationTicket=${ticket}`,
    }),
  },
  {
    // For the 1,000 vs 1,000,000 tickets comparison: a lookup of a live ticket, spread over the store.
    name: 'get-valid-live',
    label: 'HTTP GET isValidTicket live',
    golden: 'get-valid-ok',
    marker: 'isAuthenticated="True"',
    tickets: 'cycle',
    nodeSoap: false,
    request: (ticket) => ({
      method: 'GET',
      path: `/srv.asmx/isValidTicket?AuthenticationTicket=${ticket}`,
      headers: {},
    }),
  },
];

/**
 * The typed example's GetDocumentInfo (a complex result): the same live ticket on every request.
 * No golden file: the floor answers what the emulator answered (bench/phases/typed.mjs captures it).
 */
const MARKER_DOCUMENT = '<Name>Q1.pdf</Name>';
SCENARIOS.push(
  {
    name: 'soap11-docinfo',
    label: 'SOAP 1.1 GetDocumentInfo',
    marker: MARKER_DOCUMENT,
    tickets: 'cycle',
    nodeSoap: false,
    request: (ticket) => ({
      method: 'POST',
      path: '/srv.asmx',
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: '"http://tempuri.org/GetDocumentInfo"',
      },
      body: soap11GetDocumentInfo(ticket),
    }),
  },
  {
    name: 'get-docinfo',
    label: 'HTTP GET GetDocumentInfo',
    marker: MARKER_DOCUMENT,
    tickets: 'cycle',
    nodeSoap: false,
    request: (ticket) => ({
      method: 'GET',
      path: `/srv.asmx/GetDocumentInfo?authenticationTicket=${ticket}&path=${encodeURIComponent(DOCUMENT_PATH)}`,
      headers: {},
    }),
  },
);

export function scenarioByName(name) {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario)
    throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return scenario;
}

/** The request that issues one ticket cheaply (no scrypt): CreateTicketforUser over HTTP GET. */
export const ISSUE_PATH = `/srv.asmx/CreateTicketforUser?TrustedUserPwd=${TRUSTED_PASSWORD}&UserName=${USER}`;
export const TICKET_IN_BODY = /ticket="([0-9a-f-]{36})"/;

/**
 * A captured response of fixtures/exchanges: status, headers in file order, and the body
 * (exactly Content-Length bytes after the blank line, as test/support/golden.ts reads it).
 */
export function readGolden(name) {
  const raw = readFileSync(path.join(EXCHANGES_DIR, `${name}.http`));
  const headerEnd = raw.indexOf('\n\n');
  const [statusLine, ...headerLines] = raw.subarray(0, headerEnd).toString('utf8').split('\n');
  const headers = headerLines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const length = Number(headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1]);
  const body = raw.subarray(headerEnd + 2, headerEnd + 2 + length);
  if (body.length !== length) throw new Error(`${name}.http: body shorter than its Content-Length`);
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** Whether `taskset` is there to pin processes to cores (Linux util-linux). */
export const HAS_TASKSET = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
export const SERVER_CORE = '0';
export const LOAD_CORE = '1';

/** Spawns `node args...`, pinned to `core` when taskset exists (taskset execs node: same pid). */
export function spawnNode(args, { core, env, stdio = ['ignore', 'pipe', 'pipe'] } = {}) {
  const command = HAS_TASKSET && core !== undefined ? 'taskset' : process.execPath;
  const argv = command === 'taskset' ? ['-c', core, process.execPath, ...args] : args;
  return spawn(command, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio });
}

/**
 * Starts a server process and resolves once it serves.
 *
 * Without `readyUrl`, it is ready when it prints `http://host:port` on stdout (floor, node-soap).
 * With `readyUrl` (the emulator, whose info-level log writes a JSON line per request to stdout),
 * its stdout goes to /dev/null and it is ready once that URL answers: a pipe would either fill
 * and stall the server or have to be read here, on the load generator's core. The server still
 * pays for formatting and writing every log line, as it does in production.
 * Its stderr is collected for the error message should it die first.
 */
export function startServerProcess(label, args, { readyUrl, ...options } = {}) {
  const stdio = ['ignore', readyUrl ? 'ignore' : 'pipe', 'pipe'];
  const child = spawnNode(args, { ...options, stdio });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let ready = false;
    const started = (origin) => {
      ready = true;
      child.off('exit', onExit);
      child.stdout?.resume();
      resolve({ label, child, origin, pid: child.pid, stop: () => stopProcess(child) });
    };
    const onExit = (code) => reject(new Error(`${label} exited with ${code} before serving:\n${out}${err}`));
    child.once('exit', onExit);
    child.stderr.on('data', (chunk) => (err += chunk));
    if (readyUrl) {
      const poll = () => {
        if (ready || child.exitCode !== null) return;
        request(new URL(readyUrl).origin, { path: readyUrl }).then(
          () => started(new URL(readyUrl).origin),
          () => setTimeout(poll, 5),
        );
      };
      poll();
      return;
    }
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /(http:\/\/[0-9.]+:\d+)/.exec(out);
      if (match && !ready) started(match[1]);
    });
  });
}

/** The URL that answers once an emulator listens on `port`: LogOut of an unknown ticket. */
export function emulatorReadyUrl(port) {
  return `http://127.0.0.1:${port}/srv.asmx/LogOut?AuthenticationTicket=${UNKNOWN_TICKET}`;
}

/**
 * An emulator on the server core, on a free port of 127.0.0.1, with `env` besides; resolves once it
 * answers. `args` are node's: `dist/main.js` unless told (another build, `--config`, node flags).
 */
export async function startEmulatorProcess(label, { args = [path.join(DIST, 'main.js')], env = {} } = {}) {
  const port = await freePort();
  return startServerProcess(label, args, {
    core: SERVER_CORE,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    readyUrl: emulatorReadyUrl(port),
  });
}

/**
 * Starts servers one after the other, in the order given (each of `starts` resolves with one);
 * if one fails to start, stops those already up, then rethrows.
 */
export async function startInTurn(starts) {
  const started = [];
  try {
    for (const start of starts) started.push(await start());
    return started;
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export function stopProcess(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One request with a fresh connection; resolves with status, headers and body text. */
export function request(origin, { method = 'GET', path: urlPath, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(urlPath, origin), { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU time (user + system) a process has used so far, in ms, from /proc; undefined elsewhere. */
export function cpuTimeMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * Busy and total time of each CPU so far, in clock ticks, from /proc/stat (empty elsewhere).
 * Busy is everything but idle and iowait, interrupts included: on loopback much of the network
 * work is softirq time that no process is charged for.
 */
export function coreTimes() {
  try {
    const cores = {};
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const match = /^cpu(\d+) (.*)$/.exec(line);
      if (!match) continue;
      const ticks = match[2].trim().split(/\s+/).map(Number);
      const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is inside user
      cores[match[1]] = { busy: total - ticks[3] - ticks[4], total };
    }
    return cores;
  } catch {
    return {};
  }
}

/** Busy share of each CPU between two coreTimes() snapshots (1.0 = fully busy). */
export function coreBusy(before, after) {
  const busy = {};
  for (const [core, end] of Object.entries(after)) {
    const start = before[core];
    if (start && end.total > start.total) busy[core] = (end.busy - start.busy) / (end.total - start.total);
  }
  return busy;
}
