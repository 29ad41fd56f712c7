import { createHash } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs (pino), one line per event on stdout. Tickets and passwords are never
 * logged: at most {@link ticketHash}.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
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
    destination,
  );
}

/** A short, non-reversible reference to a ticket for logs. */
export function ticketHash(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex').slice(0, 12);
}
