import type { RequestSummary } from '../observability/requestSummary';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { HttpLayerErrors, PlainErrors, type BodyFailure, type PlainError } from '../errors/catalogue';
import type { UnansweredReason } from '../observability/metrics';
import { plainError, wireAnswer, type HttpAnswer } from '../transports/answer';

/**
 * Connection hygiene: what happens at the HTTP layer before and after a handler runs.
 *
 * - **Refusals the client can read.** A refused request is answered with `Connection: close`, then
 *   the server half-closes (FIN) and reads and discards what the client still sends, bounded by
 *   {@link LINGER}, before it closes (nginx's lingering close). Closing at once with unread input
 *   makes the kernel send a reset, and a reset can throw away the answer before the client reads
 *   it (Python's http.client, curl and .NET fail with "connection reset" instead of the status).
 * - **No smuggling.** A transfer coding other than plain `chunked` (501) and more than one Host
 *   header (400) are refused before any handler runs; once a connection is refused, nothing more
 *   on it is parsed as a request, let alone run.
 * - **Node's parser refusals** (`clientError`: oversized head, malformed request, timeouts) get an
 *   answer of the catalogue through the same lingering close, are logged and counted; a broken or
 *   late body is reported to the handler reading it, which answers it (P_BODY_*).
 */

/** Bounds of the lingering close: the bytes and time a refused client may still send. */
export const LINGER = {
  /** More than this is not read: the connection is cut. */
  maxBytes: 16 * 1024 * 1024,
  /** From the answer leaving to the close, at most. */
  maxMs: 5000,
  /** A client silent this long after the answer is done sending. */
  idleMs: 1000,
} as const;

/** http.sys refuses a request line over 16 KB with 414 before IIS sees it. */
export const MAX_REQUEST_TARGET_BYTES = 16 * 1024;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** What an answered request was, for logs and metrics (as the ASMX handler reports its own). */
export interface AnsweredRefusal extends RequestSummary {
  readonly req: IncomingMessage;
}

export interface HygieneOptions {
  readonly maxUrlBytes: number;
  readonly maxQueryStringBytes: number;
  readonly maxBodyBytes: number;
  /** A request refused here with an answer: logged and counted like every answered request. */
  readonly observe?: (event: AnsweredRefusal) => void;
  /** A request closed without an answer of the service; `refusal` when Node's parser refused it. */
  readonly unanswered?: (reason: UnansweredReason, refusal?: PlainError) => void;
}

export interface ConnectionHygiene {
  /** Wraps the request listener: refusals first, then the listener. */
  guard(listener: RequestListener): RequestListener;
  /** The `checkContinue` listener: refusals and the body limit before `100 Continue`, then the listener. */
  checkContinue(listener: RequestListener): RequestListener;
  /** The `clientError` listener: what Node's parser refuses (and timeouts) get a readable answer. */
  clientError(error: Error, socket: Duplex): void;
}

/** Connections refused: no further request on them runs; their input is drained, not parsed. */
const closing = new WeakSet<Socket>();
/** Connections whose last answer is out and whose write side is closed. */
const lingering = new WeakSet<Socket>();
/** The discarding reader of each closing connection. */
const drains = new WeakMap<Socket, Drain>();
/**
 * The response of the last request admitted on each connection. Node finishes a connection's
 * responses in request order, so while this one is unfinished it is the last answer still due,
 * and once it is finished none is: no queue to keep, no listener to take finished ones out.
 */
const lastResponses = new WeakMap<Socket, ServerResponse>();
/** Who reads a request body: told when the parser finds it broken, cut off by a half-close, or late. */
export interface BodyWatcher {
  bodyFailed(failure: BodyFailure): void;
}

/**
 * Who reads the body arriving on a connection now (at most one request at a time), kept on the
 * socket itself: set and cleared for every body, where a WeakMap's set and delete cost ~0.5 µs.
 */
const BODY_READER = Symbol('body reader');
type WatchedSocket = Socket & { [BODY_READER]?: BodyWatcher | undefined };

/** Registers who reads the body arriving on `socket` now, until {@link unwatchBody}. */
export function watchBody(socket: Socket | null, watcher: BodyWatcher): void {
  if (socket) (socket as WatchedSocket)[BODY_READER] = watcher;
}

/** The body `watcher` read is in (or given up): the parser's refusals are no longer its business. */
export function unwatchBody(socket: Socket | null, watcher: BodyWatcher): void {
  if (socket && (socket as WatchedSocket)[BODY_READER] === watcher) {
    (socket as WatchedSocket)[BODY_READER] = undefined;
  }
}

/**
 * The connection of `socket` is refused: nothing more on it runs, what the client still sends is
 * read and discarded, and once the last answer (with `Connection: close`) is out the server
 * half-closes and lingers before it closes. Idempotent.
 */
export function markClosing(socket: Socket | null | undefined): void {
  if (!socket || closing.has(socket)) return;
  closing.add(socket);
  // Node half-closes and destroys a connection once its `Connection: close` answer is out
  // (`destroySoon`): with input unread, that destroy is a reset. Here it lingers instead.
  socket.destroySoon = () => linger(socket);
  // Not during the parser's current pass (this may run inside it): right after.
  setImmediate(() => startDrain(socket));
}

/** Reads and discards a closing connection's input, bounded; closes it when done. */
class Drain {
  private bytes = 0;
  private idle: NodeJS.Timeout | undefined;
  private hard: NodeJS.Timeout | undefined;
  private clientEnded = false;
  private answered = false;

  constructor(private readonly socket: Socket) {
    const discard = (chunk: Buffer) => {
      this.bytes += chunk.length;
      if (this.bytes > LINGER.maxBytes) socket.destroy();
      else this.idle?.refresh();
    };
    // A 'data' listener takes the input off Node's parser (it unconsumes the handle); the parser's
    // own listener goes, so the rest is never parsed into requests.
    socket.on('data', discard);
    for (const listener of socket.listeners('data')) {
      if (listener !== discard) socket.removeListener('data', listener as (chunk: Buffer) => void);
    }
    socket.resume();
    // Node may have stopped reading while its parser owned the handle (the refused body pushed
    // back); the stream still thinks a read is under way. An empty push clears that, so reading
    // restarts (a no-op when it is going already).
    socket.push(Buffer.alloc(0));
    socket.once('end', () => {
      this.clientEnded = true;
      if (this.answered) this.closeWhenFlushed();
    });
    socket.once('close', () => {
      clearTimeout(this.idle);
      clearTimeout(this.hard);
    });
  }

  /** The last answer is out and the write side closed: linger, then close. */
  answerSent(): void {
    if (this.answered) return;
    this.answered = true;
    if (this.clientEnded || this.socket.readableEnded) return this.closeWhenFlushed();
    this.hard = setTimeout(() => this.socket.destroy(), LINGER.maxMs).unref();
    this.idle = setTimeout(() => this.closeWhenFlushed(), LINGER.idleMs).unref();
  }

  /** Closes once the answer has reached the kernel; nothing unread is left by then but noise. */
  private closeWhenFlushed(): void {
    if (this.socket.writableFinished) this.socket.destroy();
    else this.socket.once('finish', () => this.socket.destroy());
  }
}

function startDrain(socket: Socket): Drain | undefined {
  if (socket.destroyed) return undefined;
  let drain = drains.get(socket);
  if (!drain) drains.set(socket, (drain = new Drain(socket)));
  return drain;
}

/** The last answer on a closing connection is out (or there is none to wait for): half-close and linger. */
function linger(socket: Socket): void {
  if (lingering.has(socket)) return;
  lingering.add(socket);
  closing.add(socket);
  if (socket.destroyed) return;
  if (socket.writable) socket.end();
  startDrain(socket)?.answerSent();
}

/** An answer written straight to the socket, when no response object exists (parser refusals). */
function serialize(answer: HttpAnswer): Buffer {
  const body = Buffer.from(answer.body, 'utf8');
  const lines = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`];
  for (const [name, value] of Object.entries(answer.headers)) lines.push(`${name}: ${String(value)}`);
  lines.push(`Content-Length: ${body.length}`, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]);
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  const wire = wireAnswer(answer);
  res.writeHead(answer.status, wire.headers);
  res.end(wire.body);
}

/** The refusal a request gets before any handler runs, if any. */
function refusalOf(req: IncomingMessage, options: HygieneOptions): PlainError | undefined {
  // Node keeps the first of several Host headers: the raw ones tell. (One pass over rawHeaders,
  // cheaper than headersDistinct on every request.)
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 4 && name.toLowerCase() === 'host') hosts++;
  }
  if (hosts > 1) return HttpLayerErrors.hostDuplicate();
  // Every Transfer-Encoding header, joined. Only plain chunked: a coding before it (gzip,
  // identity, ...) is one another parser on the way may read differently, and the body is not
  // what it claims.
  const codings = req.headers['transfer-encoding'];
  if (codings !== undefined && !/^[\s,]*chunked[\s,]*$/i.test(codings)) {
    return HttpLayerErrors.transferCodingUnsupported();
  }
  const url = req.url ?? '';
  if (url.length > MAX_REQUEST_TARGET_BYTES) return HttpLayerErrors.uriTooLong();
  const queryAt = url.indexOf('?');
  const pathLength = queryAt < 0 ? url.length : queryAt;
  const queryLength = queryAt < 0 ? 0 : url.length - queryAt - 1;
  if (pathLength > options.maxUrlBytes) return HttpLayerErrors.urlTooLong();
  if (queryLength > options.maxQueryStringBytes) return HttpLayerErrors.queryStringTooLong();
  return undefined;
}

/** A request line: a method, a space, then a request target (origin, absolute or asterisk form). */
const REQUEST_LINE = /^[A-Z]+ (?:\/|\*|[A-Za-z][A-Za-z0-9+.-]*:\/\/)/;

/**
 * Whether the head overflowed while its request line was still arriving (414) rather than in the
 * headers (431). Node reports the same error for both; the chunk it was parsing tells them apart
 * when the line started in it, which is the case unless a long line spans reads (then 431).
 */
function overflowedInRequestLine(error: { rawPacket?: unknown; bytesParsed?: unknown }): boolean {
  const packet = error.rawPacket;
  if (!Buffer.isBuffer(packet) || packet.length === 0) return false;
  const parsed =
    typeof error.bytesParsed === 'number' ? Math.min(error.bytesParsed, packet.length) : packet.length;
  const lineBreak = parsed > 0 ? packet.lastIndexOf(0x0a, parsed - 1) : -1;
  const lineStart = lineBreak + 1;
  return REQUEST_LINE.test(packet.subarray(lineStart, lineStart + 32).toString('latin1'));
}

interface ParserRefusal {
  readonly error: PlainError;
  readonly reason: UnansweredReason;
  readonly body: BodyFailure;
}

function classify(
  error: NodeJS.ErrnoException & { reason?: unknown; rawPacket?: unknown; bytesParsed?: unknown },
): ParserRefusal {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { error: HttpLayerErrors.requestTimeout(), reason: 'timeout', body: 'timeout' };
    case 'HPE_HEADER_OVERFLOW':
      return overflowedInRequestLine(error)
        ? { error: HttpLayerErrors.uriTooLong(), reason: 'uri_too_long', body: 'malformed' }
        : { error: HttpLayerErrors.headersTooLarge(), reason: 'header_too_large', body: 'malformed' };
    case 'HPE_INVALID_EOF_STATE':
      // The client half-closed in the middle of a request.
      return { error: HttpLayerErrors.badRequest(), reason: 'incomplete', body: 'aborted' };
    case 'HPE_INVALID_TRANSFER_ENCODING':
      // Transfer-Encoding with Content-Length is a framing conflict (400); otherwise a coding
      // after chunked, or a request body whose final coding is not chunked (501).
      return String(error.reason).includes('Content-Length')
        ? { error: HttpLayerErrors.badRequest(), reason: 'malformed', body: 'malformed' }
        : { error: HttpLayerErrors.transferCodingUnsupported(), reason: 'malformed', body: 'malformed' };
    default:
      return { error: HttpLayerErrors.badRequest(), reason: 'malformed', body: 'malformed' };
  }
}

export function createConnectionHygiene(options: HygieneOptions): ConnectionHygiene {
  /** A response closed before its answer was out: the client went away (or the server was cut off). */
  function onResponseClose(this: ServerResponse): void {
    if (!this.writableFinished) options.unanswered?.('client_gone');
  }

  function track(socket: Socket, res: ServerResponse): void {
    lastResponses.set(socket, res);
    // One listener shared by every response (it reads the response as `this`): no closure per request.
    res.on('close', onResponseClose);
  }

  function refuse(req: IncomingMessage, res: ServerResponse, error: PlainError): void {
    // Timed from the refusal, not from admit(): the checks before it take well under a
    // microsecond, and every request admitted is spared a reading of the clock.
    const started = performance.now();
    markClosing(req.socket as Socket);
    const answer = plainError(error);
    send(res, answer);
    options.observe?.({
      req,
      service: '-',
      transport: 'http',
      operation: '-',
      outcome: error.code,
      status: error.status,
      durationMs: performance.now() - started,
    });
  }

  function admit(
    req: IncomingMessage,
    res: ServerResponse,
    listener: RequestListener,
    expectsContinue: boolean,
  ): void {
    const socket = req.socket as Socket | null;
    if (socket && closing.has(socket)) {
      // Parsed after a refusal on the same connection (pipelined, or smuggled in a body): never run.
      options.unanswered?.('after_refusal');
      return;
    }
    if (socket) track(socket, res);
    const refusal =
      refusalOf(req, options) ??
      (expectsContinue && Number(req.headers['content-length']) > options.maxBodyBytes
        ? PlainErrors.bodyTooLarge()
        : undefined);
    if (refusal) return refuse(req, res, refusal);
    if (expectsContinue) res.writeContinue();
    listener(req, res);
  }

  function clientError(error: Error, duplex: Duplex): void {
    const socket = duplex as Socket;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('HPE_') && code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
      // A socket error (ECONNRESET, EPIPE, ...): the client is gone; requests in flight count themselves.
      socket.destroy();
      return;
    }
    if (closing.has(socket)) {
      // Input after a refusal is drained, not parsed: what the parser says about it is noise. But a
      // refusal still queued behind an answer that never comes is not kept past the request timeout.
      if (code === 'ERR_HTTP_REQUEST_TIMEOUT' && !lingering.has(socket)) socket.destroy();
      return;
    }
    const refusal = classify(error);
    markClosing(socket);
    const reader = (socket as WatchedSocket)[BODY_READER];
    if (reader) {
      // A body being read is broken, cut off or late: its handler answers (P_BODY_*, 408).
      (socket as WatchedSocket)[BODY_READER] = undefined;
      reader.bodyFailed(refusal.body);
      return;
    }
    options.unanswered?.(refusal.reason, refusal.error);
    const last = lastResponses.get(socket);
    if (last && !last.writableFinished && !last.destroyed) {
      // Answers still due go out first, in order; the last one closes the connection.
      if (!last.headersSent) last.setHeader('Connection', 'close');
      return;
    }
    if (socket.writable) socket.write(serialize(plainError(refusal.error)));
    linger(socket);
  }

  return {
    guard: (listener) => (req, res) => admit(req, res, listener, false),
    checkContinue: (listener) => (req, res) => admit(req, res, listener, true),
    clientError,
  };
}
