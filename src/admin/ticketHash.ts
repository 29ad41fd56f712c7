import { createHash } from 'node:crypto';
import { ownCopy } from './ownCopy';

/** How many hex digits of the SHA-256 a ticket hash keeps: no other string names a session by its hash. */
export const TICKET_HASH_LENGTH = 12;

/**
 * How admin answers and the dashboard name a ticket without showing it: the first 12 hex digits
 * of its SHA-256 (the logout webhooks send the whole SHA-256, which starts with these).
 */
export function ticketHash(ticket: string): string {
  let hash = recent.get(ticket);
  if (hash === undefined) {
    hash = createHash('sha256').update(ticket, 'utf8').digest('hex').slice(0, TICKET_HASH_LENGTH);
    // Calls repeat the same few tickets: remember the last ones instead of hashing per call (a
    // copy: a ticket cut from a request would keep the request).
    if (recent.size >= RECENT_LIMIT) recent.clear();
    recent.set(ownCopy(ticket), hash);
  }
  return hash;
}

const RECENT_LIMIT = 4096;
const recent = new Map<string, string>();
