import { DomainErrors } from '../errors/catalogue';
import { failure, isPlausibleTicket, success, ticketFrom, ticketFromCookie } from './shared';
import type { OperationHandler } from './types';

/** Ends the session at once: every later use of the ticket, on any transport, is [901]. */
export const logOut: OperationHandler = async (input, { store, onLogout }) => {
  const ticket = ticketFrom(input, 'AuthenticationTicket');
  if (!isPlausibleTicket(ticket)) return failure(DomainErrors.INVALID_TICKET);
  // The store's atomic removal decides: only the call that actually removed the ticket succeeds.
  const userKey = await store.revoke(ticket);
  if (userKey === undefined) return failure(DomainErrors.INVALID_TICKET);
  try {
    onLogout?.({ ticket, userKey });
  } catch {
    // The ticket is revoked: a notification that fails (the emulator logs it) never turns the
    // done LogOut into an error.
  }
  return { ...success(), endedCookieSession: ticketFromCookie(input, 'AuthenticationTicket') };
};
