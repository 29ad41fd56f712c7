import { DomainErrors, type DomainError } from '../errors/catalogue';
import { StoreOutcomeUnknownError, StoreUnavailableError } from '../tickets/TicketStore';
import type { User } from '../users/userDirectory';
import type { RootAttributes } from '../xml/rootElement';
import type { OperationContext, OperationHandler, OperationInput, OperationOutcome } from './types';

/** Longer than any ticket ever issued (a GUID is 36 characters); such values never reach a store. */
export const MAX_TICKET_LENGTH = 64;

/** The named ticket parameter, or the `ticket` cookie when the parameter is absent or empty. */
export function ticketFrom(input: OperationInput, paramName: string): string {
  return input.params[paramName] || input.cookieTicket || '';
}

/** True when the ticket parameter is empty and the `ticket` cookie stands in for it. */
export function ticketFromCookie(input: OperationInput, paramName: string): boolean {
  return !input.params[paramName] && Boolean(input.cookieTicket);
}

/** Worth a store lookup: empty and over-long values are [901] without touching the store. */
export function isPlausibleTicket(ticket: string): boolean {
  return ticket !== '' && ticket.length <= MAX_TICKET_LENGTH;
}

export function param(input: OperationInput, name: string): string {
  return input.params[name] ?? '';
}

/** `yyyy-MM-ddTHH:mm:ssZ` in UTC, as the reference server writes expireOn. */
export function formatExpireOn(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The user attributes shared by AuthenticateUser, isValidTicket and RenewTicket, in ASMX's order. */
export function userAttributes(user: User, expiresAt: number): RootAttributes {
  return [
    ['userid', String(user.userid)],
    ['username', user.username],
    ['firstName', user.firstName],
    ['lastName', user.lastName],
    ['fullname', user.fullname],
    ['email', user.email],
    ['expireOn', formatExpireOn(expiresAt)],
    // .NET's Boolean.ToString() capitalises.
    ['isAuthenticated', 'True'],
  ];
}

export function success(...attributes: RootAttributes): OperationOutcome {
  return { ok: true, attributes: [['success', 'true'], ...attributes] };
}

export function failure(error: DomainError): OperationOutcome {
  return { ok: false, error };
}

/** The `<root>` attributes of an outcome; a domain error is `success="false" error="..."`. */
export function rootAttributesOf(outcome: OperationOutcome): RootAttributes {
  return outcome.ok
    ? outcome.attributes
    : [
        ['success', 'false'],
        ['error', outcome.error.text],
      ];
}

/**
 * Runs an operation. A store that cannot answer is an outcome of its own (STORE_UNAVAILABLE),
 * not an exception, so every transport shapes it without a catch of its own; anything else
 * still throws and becomes the transport's internal error.
 */
export async function runOperation(
  handler: OperationHandler,
  input: OperationInput,
  context: OperationContext,
): Promise<OperationOutcome> {
  try {
    return await handler(input, context);
  } catch (error) {
    if (error instanceof StoreUnavailableError) return failure(DomainErrors.STORE_UNAVAILABLE);
    if (error instanceof StoreOutcomeUnknownError) return failure(DomainErrors.STORE_OUTCOME_UNKNOWN);
    throw error;
  }
}

/** The outcome of an unreachable store: transports answer it as a transient failure. */
export function isStoreOutage(outcome: OperationOutcome): boolean {
  return (
    !outcome.ok &&
    (outcome.error === DomainErrors.STORE_UNAVAILABLE || outcome.error === DomainErrors.STORE_OUTCOME_UNKNOWN)
  );
}
