import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator } from './emulator';

export interface RunningServer {
  readonly server: http.Server;
  /** e.g. `http://127.0.0.1:8080` */
  readonly origin: string;
  /**
   * Graceful stop: no new connections, in-flight requests finish (connections still busy after
   * the emulator's shutdown timeout are cut), then the emulator closes (last snapshot, webhooks,
   * store).
   */
  close(): Promise<void>;
}

/** The HTTP server around the emulator's listener, with the connection limits of the configuration. */
export function createHttpServer(emulator: Emulator): http.Server {
  const { config } = emulator;
  const server = http.createServer(
    {
      // Oversized heads (long URLs and cookies included) are refused by Node's parser before any
      // handler runs: 414 or 431 (see the clientError listener below).
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
    emulator.handler,
  );
  // `Expect: 100-continue` with a declared body over the limit (or a request refused anyway) is
  // refused before the client sends the body.
  server.on('checkContinue', emulator.serverListeners.checkContinue);
  // What Node's parser refuses (an oversized head, a malformed request, a timeout) gets an answer
  // of the catalogue the client can read, instead of Node's bare status line and a reset.
  server.on('clientError', emulator.serverListeners.clientError);
  // A client that half-closes after its request (`nc -q`, some proxies) still gets its answer, as
  // IIS gives it; without this Node ends the connection on the client's FIN, answer or not.
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  server.maxHeadersCount = 100;
  return server;
}

export async function startServer(emulator: Emulator, port: number, host: string): Promise<RunningServer> {
  // Services (WSDLs, stubs, handler modules) and seeded tickets are loaded before the port opens.
  await emulator.ready;
  const server = createHttpServer(emulator);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      let closing: Promise<void> | undefined;
      resolve({
        server,
        origin: `http://${hostPart}:${address.port}`,
        close: () => (closing ??= stop(server, emulator)),
      });
    });
  });
}

async function stop(server: http.Server, emulator: Emulator): Promise<void> {
  const stopped = new Promise<void>((done) => server.close(() => done()));
  // Idle keep-alive connections go now, busy ones as soon as their answer is out; whatever is
  // still busy at the deadline is cut.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), emulator.config.shutdownTimeoutMs);
  await stopped;
  clearInterval(sweep);
  clearTimeout(deadline);
  await emulator.close();
}
