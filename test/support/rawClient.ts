import net from 'node:net';

export interface RawResult {
  /** Everything the server sent, as latin1 text. */
  readonly received: string;
  /** The connection ended in a TCP reset (ECONNRESET or EPIPE) rather than an orderly close. */
  readonly reset: boolean;
  /** The server half-closed (FIN) before the connection went away. */
  readonly serverEnded: boolean;
  /** Nothing ended the exchange before `timeoutMs`. */
  readonly timedOut: boolean;
}

export interface RawOptions {
  /** Half-close (FIN) after the last piece, as `nc -q` or a proxy does. */
  readonly endAfterWrite?: boolean;
  /** Destroy the socket after the last piece: the client goes away mid-request. */
  readonly destroyAfterWrite?: boolean;
  readonly timeoutMs?: number;
}

/**
 * Sends raw bytes (all queued at once, so a server that stops reading makes the writes fail) and
 * reads until the connection is gone. Unlike `rawExchange`, it tells an orderly close (FIN) from a
 * reset, which is what real clients trip over: a reset can discard an answer they have not read.
 */
export function rawRequest(
  origin: string,
  pieces: ReadonlyArray<string | Buffer>,
  options: RawOptions = {},
): Promise<RawResult> {
  const url = new URL(origin);
  return new Promise((resolve) => {
    const socket = net.connect({ port: Number(url.port), host: url.hostname, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let reset = false;
    let serverEnded = false;
    let settled = false;
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ received: Buffer.concat(chunks).toString('latin1'), reset, serverEnded, timedOut });
    };
    const timer = setTimeout(() => finish(true), options.timeoutMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      serverEnded = true;
      socket.end();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') reset = true;
      finish(false);
    });
    socket.on('close', () => finish(false));
    socket.on('connect', () => {
      pieces.forEach((piece, i) => {
        const last = i === pieces.length - 1;
        // Gone once the last piece is out: the server has it, then a reset instead of the rest.
        socket.write(piece, last && options.destroyAfterWrite ? () => socket.resetAndDestroy() : undefined);
      });
      if (options.endAfterWrite) socket.end();
    });
  });
}

/** The status codes of every response in a raw answer, in order. */
export function statusCodes(received: string): number[] {
  return [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}
