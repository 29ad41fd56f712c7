/**
 * The typed example service for the interop tests: the emulator serving
 * examples/inforouter-documents/ exactly as a user starts it (`node dist/main.js --config …`,
 * TZ=UTC), or, with ASMX_INTEROP_TARGET=reference, the real ASMX reference service the example
 * reproduces (see referenceServer.ts), so the same assertions can be checked against both.
 */
import path from 'node:path';
import { startCliServer } from './cliServer';
import { startReferenceServer } from './referenceServer';

export interface ExampleServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** The service's path on that origin: `/srv.asmx`. */
  readonly servicePath: string;
  close(): Promise<void>;
}

export async function startExampleServer(): Promise<ExampleServer> {
  if (process.env.ASMX_INTEROP_TARGET === 'reference') return startReferenceServer();
  const server = await startCliServer([
    '--config',
    path.join('examples', 'inforouter-documents', 'config.json'),
  ]);
  return { origin: server.origin, servicePath: '/srv.asmx', close: () => server.close() };
}
