import type { IncomingMessage } from 'node:http';
import type { BodyFailure } from '../errors/catalogue';
import { markClosing, watchBody } from './connectionHygiene';

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
  // Settled once: the listeners stay on the request (it emits neither data nor 'aborted' after
  // its end, and a later error is ignored), which spares removing four of them every request.
  let settled = false;
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let size = 0;
  const settle = () => {
    settled = true;
    unwatch();
  };
  const onData = (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size > limit) {
      settle();
      req.off('data', onData);
      // Synchronously, while the parser may still be in the chunk that holds a next request.
      markClosing(req.socket);
      done(context, TOO_LARGE);
      return;
    }
    if (first === undefined) first = chunk;
    else (chunks ??= [first]).push(chunk);
  };
  const onEnd = () => {
    if (settled) return;
    settle();
    done(context, { body: chunks !== undefined ? Buffer.concat(chunks, size) : (first ?? EMPTY_BODY) });
  };
  const fail = (failure: BodyFailure) => {
    if (settled) return;
    settle();
    failed(context, new BodyError(failure));
  };
  // The connection closed under the body (IncomingMessage emits 'aborted', then an error).
  const onAborted = () => fail('aborted');
  // The parser found the body broken, or the client half-closed or stalled mid-body.
  const unwatch = watchBody(req, fail);
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onAborted);
  req.on('aborted', onAborted);
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

const EMPTY_BODY = Buffer.alloc(0);
