import { randomUUID } from 'node:crypto';

/**
 * A new ticket: a random version-4 GUID, lower case, as ASMX issued them.
 * `crypto.randomUUID()` returns its text as a tree of string pieces (a V8 ConsString of ~490
 * bytes); a million live tickets would cost half a gigabyte. Copying it through a Buffer yields a
 * flat 36-byte string (~56 bytes of heap).
 */
export function newTicket(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}
