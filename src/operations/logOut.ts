import { DomainErrors } from '../errors/catalogue';
import { failure, isPlausibleTicket, success, ticketFrom } from './shared';
import type { OperationHandler } from './types';

/** Ends the session at once: every later use of the ticket, on any transport, is [901]. */
export const logOut: OperationHandler = async (input, { store }) => {
  const ticket = ticketFrom(input, 'AuthenticationTicket');
  if (!isPlausibleTicket(ticket)) return failure(DomainErrors.INVALID_TICKET);
  // The store's atomic removal decides: only the call that actually removed the ticket succeeds.
  return (await store.revoke(ticket)) ? success() : failure(DomainErrors.INVALID_TICKET);
};
