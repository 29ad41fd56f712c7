import { DomainErrors } from '../errors/catalogue';
import { failure, isPlausibleTicket, success, ticketFrom, userAttributes } from './shared';
import type { OperationHandler } from './types';

/** A passive check: it neither extends the ticket nor marks it recently used. */
export const isValidTicket: OperationHandler = async (input, { store, users }) => {
  const ticket = ticketFrom(input, 'AuthenticationTicket');
  const info = isPlausibleTicket(ticket) ? await store.peek(ticket) : undefined;
  const user = info && users.find(info.userKey);
  if (!info || !user || user.disabled) return failure(DomainErrors.INVALID_TICKET);
  return success(...userAttributes(user, info.expiresAt));
};
