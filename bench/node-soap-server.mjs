// The competitor: node-soap's server (`soap.listen`) serving the same WSDL with the same LogOut.
//
//   node bench/node-soap-server.mjs [port]
//
// LogOut does what the emulator's does: an empty or over-long ticket is [901] without a lookup,
// otherwise the ticket is revoked in the emulator's own MemoryTicketStore (the same LRU, the same
// settings), and the result is the same `<root .../>` element. node-soap cannot type an `s:any`
// result, so the element goes out as raw XML through node-soap's `$xml` key.
//
// node-soap serves SOAP only (no HTTP GET/POST binding). For the success path the benchmark
// needs live tickets in this process's store: `GET /issue?count=N` issues N and answers them one
// per line (this path is outside /srv.asmx, so node-soap hands it to the listener below).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DIST, USER, WSDL_FILE } from './common.mjs';

const require = createRequire(import.meta.url);
const soap = require('soap');
const { MemoryTicketStore } = require(path.join(DIST, 'tickets', 'MemoryTicketStore.js'));

const DAY_MS = 24 * 60 * 60 * 1000;
const store = new MemoryTicketStore({
  ttlMs: 30 * DAY_MS,
  maxTickets: 1_000_000,
  clock: { now: () => Date.now() },
});

// The emulator's rendering of both outcomes inside a SOAP body (see src/xml/rootElement.ts).
const LOGGED_OUT = '<root success="true" xmlns="" />';
const INVALID_TICKET = '<root success="false" error="[901] Session expired or Invalid ticket" xmlns="" />';
const MAX_TICKET_LENGTH = 64;

async function logOut(args) {
  const ticket = args?.AuthenticationTicket ?? '';
  const revoked = ticket !== '' && ticket.length <= MAX_TICKET_LENGTH && (await store.revoke(ticket));
  return { LogOutResult: { $xml: revoked ? LOGGED_OUT : INVALID_TICKET } };
}

const service = { Srv: { SrvSoap: { LogOut: logOut } } };

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/issue') {
    const count = Number(url.searchParams.get('count') ?? '1');
    const tickets = [];
    for (let i = 0; i < count; i++) tickets.push((await store.issue(USER)).ticket);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(tickets.join('\n'));
    return;
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('Not found.');
});

server.listen(Number(process.argv[2] ?? '0'), '127.0.0.1', () => {
  const { address, port } = server.address();
  const origin = `http://${address}:${port}`;
  const wsdl = readFileSync(WSDL_FILE, 'utf8').replaceAll('http://localhost/srv.asmx', `${origin}/srv.asmx`);
  // node-soap parses the WSDL asynchronously; it serves /srv.asmx once `callback` runs.
  soap.listen(server, {
    path: '/srv.asmx',
    services: service,
    xml: wsdl,
    callback: (error) => {
      if (error) {
        console.error(`node-soap could not load the WSDL: ${error.message}`);
        process.exit(1);
      }
      console.log(`node-soap listening ${origin}`);
    },
  });
});
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
