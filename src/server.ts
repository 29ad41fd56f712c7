import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { isServicePath, refuseBody, SERVICE_PATH } from './http/asmxHandler';
import type { Emulator } from './emulator';
import { signOutRoutes } from './signout/routes';

export interface RunningServer {
  readonly server: http.Server;
  /** e.g. `http://127.0.0.1:8080` */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * The HTTP server: `/srv.asmx` goes straight to the lean node:http handler (the hot path pays
 * nothing for routing); every other path goes to an express app.
 */
export function createHttpServer(emulator: Emulator): http.Server {
  const { config } = emulator;
  const app = express();
  app.disable('x-powered-by');
  app.get('/', (_req, res) => res.redirect(302, SERVICE_PATH));
  // Browsers ask for an icon on their own; an empty answer keeps their consoles free of 404s.
  app.get('/favicon.ico', (_req, res) => res.status(204).set('Cache-Control', 'public, max-age=86400').end());
  // Liveness: the process answers. Readiness: the ticket store answers too.
  app.get('/healthz', (_req, res) => res.type('text/plain').send('ok'));
  app.get('/readyz', (_req, res) => {
    emulator.store.ping().then(
      () => res.type('text/plain').send('ready'),
      () => res.status(503).type('text/plain').send('not ready: ticket store unreachable'),
    );
  });
  app.use(signOutRoutes(config, emulator.signOut, emulator.context));
  app.use((_req, res) => res.status(404).type('text/plain').send('Not found.'));
  // Nothing internal reaches the client.
  app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).type('text/plain').send('Internal error.');
  });

  const listener: http.RequestListener = (req, res) => {
    if (isServicePath(req.url)) emulator.handleServiceRequest(req, res);
    else app(req, res);
  };
  const server = http.createServer(
    {
      // Oversized header blocks (long cookies included) get 431 from Node before any handler runs.
      maxHeaderSize: config.maxHeaderBytes,
      // Slow or abandoned clients cannot hold a connection: headers must arrive within
      // headersTimeout and the whole request within requestTimeout (Node answers 408).
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // Node checks those timeouts on this interval (30 s by default): check often enough that the
      // limits above mean what they say.
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    },
    listener,
  );
  // `Expect: 100-continue` with a declared body over the limit is refused before the client sends it.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (Number(req.headers['content-length']) > config.maxBodyBytes) return refuseBody(req, res);
    res.writeContinue();
    listener(req, res);
  });
  server.maxHeadersCount = 100;
  return server;
}

export function startServer(emulator: Emulator, port: number, host: string): Promise<RunningServer> {
  const server = createHttpServer(emulator);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        server,
        origin: `http://${hostPart}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }).then(() => emulator.close()),
      });
    });
  });
}
