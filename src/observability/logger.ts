import { createHash } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs (pino), one line per event on stdout. Tickets and passwords are never
 * logged: at most {@link ticketHash}.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  // Asynchronous writes: under load lines are coalesced instead of costing a write(2) per request.
  // Whoever exits the process flushes first (see cli.ts).
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
    destination ?? pino.destination({ dest: 1, sync: false }),
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
