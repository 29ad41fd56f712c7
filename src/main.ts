#!/usr/bin/env node
import { configFromEnvironment, ConfigError } from './config';
import { createEmulator } from './emulator';
import { SERVICE_PATH } from './http/asmxHandler';
import { startServer } from './server';

async function main(): Promise<void> {
  const emulator = createEmulator({ config: configFromEnvironment() });
  const running = await startServer(emulator, emulator.config.port, emulator.config.host);
  const { store, redisUrl } = emulator.config;
  // The Redis URL may carry a password: show only where it points.
  const where = store === 'redis' ? ` at ${new URL(redisUrl).host}` : '';
  console.log(`asmx-emulator serving ${running.origin}${SERVICE_PATH} (ticket store: ${store}${where})`);
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? error.message
      : `asmx-emulator failed to start: ${(error as Error).message}`,
  );
  process.exit(1);
});
