import { ManualClock } from '../../src/clock';
import type { ConfigInput } from '../../src/config';
import { createEmulator, type Emulator } from '../../src/emulator';
import { startServer } from '../../src/server';
import type { TicketStore } from '../../src/tickets/TicketStore';

export interface TestServer {
  readonly origin: string;
  readonly emulator: Emulator;
  readonly clock: ManualClock;
  close(): Promise<void>;
}

/** Starts the emulator on a free port of 127.0.0.1 with a clock the test controls. */
export async function startTestServer(
  config: Partial<ConfigInput> = {},
  store?: TicketStore,
): Promise<TestServer> {
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 12, 0, 0));
  const emulator = createEmulator({
    config: { port: 0, logLevel: 'silent', ...config },
    clock,
    ...(store ? { store } : {}),
  });
  const running = await startServer(emulator, 0, '127.0.0.1');
  return { origin: running.origin, emulator, clock, close: () => running.close() };
}
