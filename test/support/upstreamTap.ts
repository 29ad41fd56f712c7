/**
 * A transparent HTTP proxy in front of an upstream, on a free port of 127.0.0.1, that keeps every
 * exchange (request and answer bodies) and tells each one as an event: the tests see what the
 * emulator sends its upstream (which upstream tickets, which operations) without guessing.
 */
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TappedExchange {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly requestBody: string;
  readonly status: number;
  readonly responseBody: string;
}

export interface UpstreamTap {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly exchanges: TappedExchange[];
  /** Resolves with the first exchange (already seen or to come) that `match` accepts, or rejects after `timeoutMs`. */
  waitFor(match: (exchange: TappedExchange) => boolean, timeoutMs?: number): Promise<TappedExchange>;
  close(): Promise<void>;
}

export async function startUpstreamTap(upstreamOrigin: string): Promise<UpstreamTap> {
  const target = new URL(upstreamOrigin);
  const events = new EventEmitter();
  const exchanges: TappedExchange[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      const headers = { ...req.headers, host: target.host };
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers,
          agent: false,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const body = Buffer.concat(parts);
            const exchange: TappedExchange = {
              method: req.method ?? 'GET',
              url: req.url ?? '/',
              headers: req.headers,
              requestBody: requestBody.toString('utf8'),
              status: answer.statusCode ?? 0,
              responseBody: body.toString('utf8'),
            };
            const out = { ...answer.headers };
            delete out['transfer-encoding'];
            res.writeHead(answer.statusCode ?? 502, { ...out, 'content-length': String(body.length) });
            res.end(body, () => {
              exchanges.push(exchange);
              events.emit('exchange', exchange);
            });
          });
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(requestBody);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    exchanges,
    waitFor(match, timeoutMs = 10_000) {
      const seen = exchanges.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('exchange', listener);
          reject(new Error(`no matching upstream exchange within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (exchange: TappedExchange) => {
          if (!match(exchange)) return;
          clearTimeout(timer);
          events.off('exchange', listener);
          resolve(exchange);
        };
        events.on('exchange', listener);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
