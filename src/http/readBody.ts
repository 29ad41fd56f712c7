import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { BodyFailure } from '../errors/catalogue';
import { markClosing, unwatchBody, watchBody, type BodyWatcher } from './connectionHygiene';

export type BodyResult = { readonly body: Buffer } | { readonly tooLarge: true };

/**
 * The body did not arrive whole: the client went away or half-closed before its end (`aborted`),
 * its chunked framing is broken (`malformed`), or it was not in within REQUEST_TIMEOUT_MS
 * (`timeout`). The catalogue's `HttpLayerErrors.bodyFailed` is the answer.
 */
export class BodyError extends Error {
  constructor(readonly failure: BodyFailure) {
    super(`request body ${failure}`);
    this.name = 'BodyError';
  }
}

const TOO_LARGE: BodyResult = Object.freeze({ tooLarge: true } as const);
const EMPTY_BODY = Buffer.alloc(0);

/** Where a request keeps the read of its body, for the listeners below (shared by every request). */
const READ = Symbol('body read');
type Reading = IncomingMessage & { [READ]?: BodyRead<unknown> };

/** One body being read: its chunks so far, and whom to tell. */
class BodyRead<C> implements BodyWatcher {
  /**
   * Settled once: the listeners stay on the request (it emits neither data nor 'aborted' after its
   * end, and a later error is ignored), which spares removing four of them every request.
   */
  private settled = false;
  private first: Buffer | undefined = undefined;
  private chunks: Buffer[] | undefined = undefined;
  private size = 0;

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
    private readonly context: C,
    private readonly done: (context: C, result: BodyResult) => void,
    private readonly failed: (context: C, error: BodyError) => void,
  ) {}

  data(chunk: Buffer): void {
    if (this.settled) return;
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.settle();
      this.req.off('data', onBodyData);
      // Synchronously, while the parser may still be in the chunk that holds a next request.
      markClosing(this.req.socket);
      this.done(this.context, TOO_LARGE);
      return;
    }
    if (this.first === undefined) this.first = chunk;
    else (this.chunks ??= [this.first]).push(chunk);
  }

  end(): void {
    if (this.settled) return;
    this.settle();
    const { chunks, first } = this;
    this.done(this.context, {
      body: chunks !== undefined ? Buffer.concat(chunks, this.size) : (first ?? EMPTY_BODY),
    });
  }

  /** The parser found the body broken, or the client half-closed or stalled mid-body. */
  bodyFailed(failure: BodyFailure): void {
    if (this.settled) return;
    this.settle();
    this.failed(this.context, new BodyError(failure));
  }

  private settle(): void {
    this.settled = true;
    unwatchBody(this.req.socket as Socket | null, this);
    // The request outlives its answer (a keep-alive connection keeps its last response, and that
    // response its request): it must not keep the body and the call with it.
    (this.req as Reading)[READ] = undefined;
  }
}

// One set of listeners for every request: each finds its read on the request (`this`), so a body
// costs one object instead of a closure per listener.
function onBodyData(this: Reading, chunk: Buffer): void {
  this[READ]?.data(chunk);
}
function onBodyEnd(this: Reading): void {
  this[READ]?.end();
}
/** The connection closed under the body (IncomingMessage emits 'aborted', then an error). */
function onBodyAborted(this: Reading): void {
  this[READ]?.bodyFailed('aborted');
}

/**
 * Reads the request body up to `limit` bytes, then calls `done` with `context` and the body, or
 * `failed` with a {@link BodyError} when it does not arrive whole; exactly one of them, once.
 * A declared Content-Length over the limit is refused before a byte is read (`done` is called at
 * once, with `tooLarge`); a body that grows past it stops being buffered at once. Either way the
 * connection is marked closing at once (nothing pipelined behind it runs): the caller answers
 * with `Connection: close`. No promise: the hot path's answer follows the body's last chunk in the
 * same turn. The callbacks must not throw (they run inside the request's events).
 */
export function readBodyThen<C>(
  req: IncomingMessage,
  limit: number,
  context: C,
  done: (context: C, result: BodyResult) => void,
  failed: (context: C, error: BodyError) => void,
): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    markClosing(req.socket);
    return done(context, TOO_LARGE);
  }
  if (req.destroyed && !req.complete) return failed(context, new BodyError('aborted'));
  const read = new BodyRead(req, limit, context, done, failed);
  (req as Reading)[READ] = read as BodyRead<unknown>;
  watchBody(req.socket as Socket | null, read);
  req.on('data', onBodyData);
  req.on('end', onBodyEnd);
  req.on('error', onBodyAborted);
  req.on('aborted', onBodyAborted);
}

/** {@link readBodyThen} as a promise, for callers off the hot path. Rejects with a {@link BodyError}. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) =>
    readBodyThen(req, limit, undefined, settleWith(resolve), rejectWith(reject)),
  );
}

const settleWith =
  (resolve: (result: BodyResult) => void) =>
  (_context: undefined, result: BodyResult): void =>
    resolve(result);
const rejectWith =
  (reject: (error: BodyError) => void) =>
  (_context: undefined, error: BodyError): void =>
    reject(error);
