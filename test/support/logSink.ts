import type http from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ManualClock } from '../../src/clock';
import type { ConfigInput } from '../../src/config';
import { createEmulator, type Emulator } from '../../src/emulator';
import { startServer } from '../../src/server';

export type LogEntry = Record<string, unknown>;

/** The JSON lines an emulator logs, kept in memory; tests wait for a line instead of for time. */
export class LogSink {
  readonly entries: LogEntry[] = [];
  private readonly waiters: Array<{
    match: (entry: LogEntry) => boolean;
    resolve: (entry: LogEntry) => void;
  }> = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as LogEntry;
        this.entries.push(entry);
        for (const waiter of [...this.waiters]) {
          if (!waiter.match(entry)) continue;
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(entry);
        }
      }
      done();
    },
  });

  /** The first line (already logged or still to come) that matches; rejects after `timeoutMs`. */
  waitFor(match: (entry: LogEntry) => boolean, timeoutMs = 5000): Promise<LogEntry> {
    const found = this.entries.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const outcomes = this.entries.map((e) => `${String(e.outcome)}/${String(e.status)}`).join(', ');
        reject(new Error(`no matching log line within ${timeoutMs} ms; logged: ${outcomes}`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (entry: LogEntry) => {
          clearTimeout(timer);
          resolve(entry);
        },
      };
      this.waiters.push(waiter);
    });
  }

  outcomes(): string[] {
    return this.entries.map((e) => e.outcome).filter((o): o is string => typeof o === 'string');
  }
}

export interface LoggedServer {
  readonly origin: string;
  readonly server: http.Server;
  readonly emulator: Emulator;
  readonly logs: LogSink;
  close(): Promise<void>;
}

/** Starts the emulator on a free port of 127.0.0.1 with its `info` logs captured in memory. */
export async function startLoggedServer(config: Partial<ConfigInput> = {}): Promise<LoggedServer> {
  const logs = new LogSink();
  const emulator = createEmulator({
    config: { port: 0, ...config, logLevel: 'info' },
    clock: new ManualClock(Date.UTC(2026, 10, 21, 12, 0, 0)),
    logger: pino({ level: 'info' }, logs.stream),
  });
  const running = await startServer(emulator, 0, '127.0.0.1');
  return { origin: running.origin, server: running.server, emulator, logs, close: () => running.close() };
}
