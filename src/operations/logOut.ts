import { DomainErrors } from '../errors/catalogue';
import { failure, isPlausibleTicket, success, ticketFrom, ticketFromCookie } from './shared';
import type { OperationContext, OperationHandler, OperationOutcome } from './types';

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

/** [901], made once (frozen: shared by every LogOut of a ticket that is not live). */
const INVALID_TICKET = Object.freeze(failure(DomainErrors.INVALID_TICKET));

/**
 * Ends the session at once: every later use of the ticket, on any transport, is [901].
 * Not an async function: when the store knows its answer at once (the memory store), so does
 * LogOut, and the answer goes out in the turn the request arrived, with no promise to settle.
 */
export const logOut: OperationHandler = (input, { store, onLogout }) => {
  const ticket = ticketFrom(input, 'AuthenticationTicket');
  if (!isPlausibleTicket(ticket)) return INVALID_TICKET;
  const endsCookieSession = ticketFromCookie(input, 'AuthenticationTicket');
  // The store's atomic removal decides: only the call that actually removed the ticket succeeds.
  const revoked = store.revokeAtOnce ? store.revokeAtOnce(ticket) : store.revoke(ticket);
  return revoked instanceof Promise
    ? revoked.then((userKey) => loggedOutOf(ticket, userKey, endsCookieSession, onLogout))
    : loggedOutOf(ticket, revoked, endsCookieSession, onLogout);
};

function loggedOutOf(
  ticket: string,
  userKey: string | undefined,
  endsCookieSession: boolean,
  onLogout: OperationContext['onLogout'],
): OperationOutcome {
  if (userKey === undefined) return INVALID_TICKET;
  try {
    onLogout?.({ ticket, userKey });
  } catch {
    // The ticket is revoked: a notification that fails (the emulator logs it) never turns the
    // done LogOut into an error.
  }
  return endsCookieSession ? LOGGED_OUT_COOKIE_SESSION : LOGGED_OUT;
}
