import { createHash } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Bytes of log lines gathered before a write; stays below sonic-boom's maxWrite (16 KB). */
const LOG_BUFFER_BYTES = 4096;
/** The longest a line waits in that buffer. */
const LOG_FLUSH_MS = 100;

/**
 * Structured JSON logs (pino), one line per event on stdout. Tickets and passwords are never
 * logged: at most {@link ticketHash}.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  // Buffered writes: lines are gathered and written 4 KB at a time with one write(2) (and at
  // least every 100 ms, so a quiet server's lines are not held), instead of a write handed to the
  // thread pool per line (~11 µs of the main thread per request under load, in the profile). A
  // 4 KB write blocks only when whoever reads stdout is that far behind. Whoever exits the
  // process flushes first (see cli.ts); pino flushes on a normal exit too.
  return pino(
    {
      level,
      base: { service: 'asmx-emulator' },
      // Belt and braces: should a caller ever pass these, they are blanked.
      redact: {
        paths: ['ticket', 'password', 'PWD', 'TrustedUserPwd', 'AuthenticationTicket', 'OldTicket'],
        censor: '[redacted]',
      },
    },
    destination ??
      pino.destination({ dest: 1, sync: true, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_MS }),
  );
}

/** Writes out what an asynchronous logger still holds. */
export function flushLogs(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

/** A short, non-reversible reference to a ticket for logs. */
export function ticketHash(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex').slice(0, 12);
}
