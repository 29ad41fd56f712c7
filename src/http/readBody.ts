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

/**
 * Reads the request body up to `limit` bytes. A declared Content-Length over the limit is refused
 * before a byte is read; a body that grows past it stops being buffered at once. Either way the
 * connection is marked closing at once (nothing pipelined behind it runs): the caller answers with
 * `Connection: close`. Rejects with a {@link BodyError} when the body does not arrive whole.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    markClosing(req.socket);
    return Promise.resolve({ tooLarge: true });
  }
  if (req.destroyed && !req.complete) return Promise.reject(new BodyError('aborted'));
  return new Promise((resolve, reject) => {
    // Settled once: the listeners stay on the request (it emits neither data nor 'aborted' after
    // its end, and a later error is ignored), which spares removing four of them every request.
    let done = false;
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    const settle = () => {
      done = true;
      unwatch();
    };
    const onData = (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        settle();
        req.off('data', onData);
        // Synchronously, while the parser may still be in the chunk that holds a next request.
        markClosing(req.socket);
        resolve({ tooLarge: true });
        return;
      }
      if (first === undefined) first = chunk;
      else (chunks ??= [first]).push(chunk);
    };
    const onEnd = () => {
      if (done) return;
      settle();
      resolve({ body: chunks !== undefined ? Buffer.concat(chunks, size) : (first ?? EMPTY_BODY) });
    };
    const fail = (failure: BodyFailure) => {
      if (done) return;
      settle();
      reject(new BodyError(failure));
    };
    // The connection closed under the body (IncomingMessage emits 'aborted', then an error).
    const onAborted = () => fail('aborted');
    // The parser found the body broken, or the client half-closed or stalled mid-body.
    const unwatch = watchBody(req, fail);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('aborted', onAborted);
  });
}

const EMPTY_BODY = Buffer.alloc(0);
