import { DomainErrors } from '../errors/catalogue';
import { UserDirectory } from '../users/userDirectory';
import { failure, param, success, ticketFrom, userAttributes } from './shared';
import type { OperationHandler } from './types';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Authenticates again and keeps the session going: a still-valid OldTicket of the same user is
 * returned with a fresh 30-day window; otherwise a new ticket is issued.
 */
export const renewTicket: OperationHandler = async (input, { users, store }) => {
  const oldTicket = ticketFrom(input, 'OldTicket');
  // The reference server checks the format before it looks at the credentials.
  if (oldTicket && !GUID.test(oldTicket)) return failure(DomainErrors.INVALID_TICKET_FORMAT);
  const user = await users.verify(param(input, 'UID'), param(input, 'PWD'));
  if (!user || user.disabled) return failure(DomainErrors.AUTHENTICATION_FAILED);
  const userKey = UserDirectory.key(user.username);
  const current = oldTicket ? await store.peek(oldTicket) : undefined;
  // Another user's ticket is never handed back: the caller gets a ticket of its own.
  const kept = current?.userKey === userKey ? await store.touch(oldTicket) : undefined;
  const ticket = kept ? { ticket: oldTicket, expiresAt: kept.expiresAt } : await store.issue(userKey);
  return success(['ticket', ticket.ticket], ...userAttributes(user, ticket.expiresAt));
};
