import net from 'node:net';

export interface RawExchange {
  /** Everything the server sent before closing or before `settleMs` of silence after an answer. */
  readonly received: string;
  /** True when the server closed the connection. */
  readonly closed: boolean;
  readonly elapsedMs: number;
}

/**
 * Writes raw bytes to the server (optionally in timed pieces) and collects what comes back, for
 * requests no HTTP client would send: partial bodies, stalled headers, lying Content-Lengths.
 */
export function rawExchange(
  origin: string,
  pieces: ReadonlyArray<string | Buffer | { waitMs: number }>,
  options: { timeoutMs?: number; settleMs?: number } = {},
): Promise<RawExchange> {
  const url = new URL(origin);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let received = '';
    let done = false;
    let settle: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(overall);
      clearTimeout(settle);
      socket.destroy();
      resolve({ received, closed, elapsedMs: Date.now() - started });
    };
    const overall = setTimeout(() => finish(false), options.timeoutMs ?? 5000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      clearTimeout(settle);
      settle = setTimeout(() => finish(false), options.settleMs ?? 300);
    });
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' || error.code === 'EPIPE' ? finish(true) : reject(error),
    );
    socket.on('connect', async () => {
      for (const piece of pieces) {
        if (done) return;
        if (typeof piece === 'object' && 'waitMs' in piece)
          await new Promise((r) => setTimeout(r, piece.waitMs));
        else socket.write(piece);
      }
    });
  });
}
