import { DomainErrors } from '../errors/catalogue';
import { failure, isPlausibleTicket, success, ticketFrom, ticketFromCookie } from './shared';
import type { OperationHandler, OperationOutcome } from './types';

/**
 * `<root success="true" />`, made once (frozen: shared by every LogOut that ends a session);
 * building and copying a fresh outcome per LogOut cost ~2 µs.
 */
function loggedOut(endedCookieSession: boolean): OperationOutcome {
  const outcome = { ...success(), endedCookieSession };
  if (outcome.ok) for (const pair of Object.freeze(outcome.attributes)) Object.freeze(pair);
  return Object.freeze(outcome);
}
const LOGGED_OUT = loggedOut(false);
/** The same, for the session of the `ticket` cookie: the transport clears the cookie. */
const LOGGED_OUT_COOKIE_SESSION = loggedOut(true);

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
  return ticketFromCookie(input, 'AuthenticationTicket') ? LOGGED_OUT_COOKIE_SESSION : LOGGED_OUT;
};
