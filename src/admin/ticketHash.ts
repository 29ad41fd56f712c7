import { createHash } from 'node:crypto';

/**
 * How admin answers and the dashboard name a ticket without showing it: the first 12 hex digits
 * of its SHA-256 (the logout webhooks send the whole SHA-256, which starts with these).
 */
export function ticketHash(ticket: string): string {
  return createHash('sha256').update(ticket, 'utf8').digest('hex').slice(0, 12);
}
