/**
 * `asmx-emulator record`: a recording proxy in front of a legacy ASMX service. It serves the
 * upstream's WSDL with its own address, forwards every other request unchanged (method, path,
 * query, the headers that matter, body, cookies) and answers with the upstream's answer
 * unchanged; each exchange is written to the recording (recordingStore.ts) with tickets and
 * passwords replaced by placeholders, and, when it is a call a stub can answer, as a stub rule.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadWsdl } from '../contract/readWsdl';
import { decodeCall, type DecodedCall } from './decodeExchange';
import { passwordParameters, withoutPasswords, withoutTickets, withoutTimes } from './placeholders';
import { RecordingStore } from './recordingStore';
import { recordedAnswer } from './resultJson';
import { whenOf } from './stubRules';

export interface RecordingProxyOptions {
  /** The upstream service, e.g. `http://legacy/srv.asmx`. */
  readonly upstream: string;
  readonly out: string;
  readonly port: number;
  readonly host: string;
  readonly log: (message: string) => void;
}

export interface RecordingProxy {
  /** `http://host:port` */
  readonly origin: string;
  readonly servicePath: string;
  /** Stops accepting, waits for the exchanges under way and writes them. */
  close(): Promise<void>;
}

/** Request headers passed on (the rest are the connection's or the proxy's). */
const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'proxy-connection',
  'upgrade',
  'te',
]);
/** Headers kept in the raw request files: the ones that change what ASMX answers. */
const RECORDED_REQUEST_HEADERS = ['content-type', 'soapaction', 'cookie'];

export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const upstream = new URL(options.upstream);
  const servicePath = upstream.pathname;
  const wsdlName = `${path.basename(servicePath, path.extname(servicePath)) || 'service'}.wsdl`;
  const store = new RecordingStore(options.out, servicePath, wsdlName);
  const wsdl = await fetch(`${options.upstream}?WSDL`, { signal: AbortSignal.timeout(30_000) });
  if (!wsdl.ok) throw new Error(`the upstream answered ?WSDL with HTTP ${wsdl.status}`);
  store.writeWsdl(await wsdl.text());
  const model = loadWsdl(path.join(options.out, wsdlName));
  const passwords = passwordParameters(model.operations);
  /** Live tickets seen (issued or sent) and their users, to take out of what is written. */
  const users = new Map<string, string>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      if (!url.toLowerCase().startsWith(servicePath.toLowerCase())) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not recorded: only ${servicePath} is`);
        return;
      }
      const rest = url.slice(servicePath.length);
      if (req.method === 'GET' && rest.toLowerCase() === '?wsdl') {
        const own = `http://${req.headers.host ?? `${options.host}:${address().port}`}${servicePath}`;
        res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' }).end(model.renderWsdl(own));
        return;
      }
      forward(req, rest, body)
        .then((answer) => {
          res.writeHead(answer.status, answer.statusMessage, answer.headers);
          res.end(answer.body);
          try {
            record(req, rest, body, answer);
          } catch (error) {
            options.log(`exchange not recorded: ${(error as Error).message}`);
          }
        })
        .catch((error: unknown) => {
          options.log(`upstream not reached: ${(error as Error).message}`);
          res.writeHead(502, { 'Content-Type': 'text/plain' }).end('upstream not reached');
        });
    });
  });

  interface UpstreamAnswer {
    status: number;
    statusMessage: string;
    headers: Record<string, string | string[]>;
    body: Buffer;
  }

  function forward(req: http.IncomingMessage, rest: string, body: Buffer): Promise<UpstreamAnswer> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers.host = upstream.host;
    if (body.length > 0 || req.method === 'POST') headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const call = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: `${servicePath}${rest}`,
          headers,
          agent: false,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('error', reject);
          answer.on('end', () => {
            const out: Record<string, string | string[]> = {};
            for (const [name, value] of Object.entries(answer.headers)) {
              if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
            }
            const buffered = Buffer.concat(parts);
            out['content-length'] = String(buffered.length);
            resolve({
              status: answer.statusCode ?? 502,
              statusMessage: answer.statusMessage ?? '',
              headers: out,
              body: buffered,
            });
          });
        },
      );
      call.on('error', reject);
      call.end(body);
    });
  }

  function record(req: http.IncomingMessage, rest: string, body: Buffer, answer: UpstreamAnswer): void {
    const method = req.method ?? 'GET';
    const call = decodeCall(model, { method, rest, headers: req.headers, body });
    const responseText = answer.body.toString('utf8');
    learnTickets(call, responseText);
    const clean = (text: string) => withoutPasswords(withoutTickets(text, users.keys()), passwords);
    let requestHead = `${method} ${servicePath}${rest} HTTP/1.1\r\n`;
    for (const name of RECORDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (value !== undefined) requestHead += `${canonical(name)}: ${String(value)}\r\n`;
    }
    let responseHead = `HTTP/1.1 ${answer.status} ${answer.statusMessage}\r\n`;
    for (const name of ['cache-control', 'content-type', 'set-cookie']) {
      const value = answer.headers[name];
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value])
        responseHead += `${canonical(name)}: ${one}\r\n`;
    }
    const kind = call ? `${call.transport}-${call.operation.name}` : `${method.toLowerCase()}-other`;
    const caseName = store.writeExchange(
      kind,
      Buffer.from(clean(`${requestHead}\r\n${body.toString('utf8')}`), 'utf8'),
      Buffer.from(withoutTimes(withoutTickets(`${responseHead}\r\n${responseText}`, users.keys())), 'utf8'),
    );
    if (!call || !isStubbable(call, responseText)) return;
    const recorded = recordedAnswer(call.operation, call.transport, answer.status, responseText);
    if (!recorded) return;
    const user = call.ticket ? users.get(call.ticket) : undefined;
    if (call.ticket && user === undefined) return; // a ticket the recording never saw issued: the guard's answer
    store.addRule(
      call.operation.name,
      whenOf(call.operation, call.args, user),
      call.transport,
      withTicketArgument(call, recorded),
    );
    options.log(`recorded ${caseName}`);
  }

  /** Tickets issued by sign-ins that passed through, with their users (never a password). */
  function learnTickets(call: DecodedCall | undefined, responseText: string): void {
    if (!call) return;
    const issued = /\bticket="([^"]+)"/.exec(responseText)?.[1];
    const user = call.args.UID ?? call.args.UserName;
    if (issued && typeof user === 'string') users.set(issued, user.toLowerCase());
  }

  function address(): AddressInfo {
    return server.address() as AddressInfo;
  }

  server.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = address();
  return {
    origin: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    servicePath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** Session operations are the emulator's own (built in), and a [901] is the ticket guard's answer. */
function isStubbable(call: DecodedCall, responseText: string): boolean {
  if (
    ['LogOut', 'AuthenticateUser', 'CreateTicketforUser', 'isValidTicket', 'RenewTicket'].includes(
      call.operation.name,
    )
  ) {
    return false;
  }
  return !responseText.includes('[901]');
}

/** A result that repeats the ticket argument names it (`{{authenticationTicket}}`), never the live value. */
function withTicketArgument(call: DecodedCall, answer: ReturnType<typeof recordedAnswer> & object) {
  if (!call.ticket) return answer;
  const param =
    call.operation.params.find((p) => p.name.toLowerCase() === 'authenticationticket')?.name ?? '';
  return JSON.parse(JSON.stringify(answer).split(call.ticket).join(`{{${param}}}`)) as typeof answer;
}

function canonical(name: string): string {
  return name === 'soapaction'
    ? 'SOAPAction'
    : name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}
