import { DomainErrors, type DomainError, type PlainError } from '../errors/catalogue';
import { StoreOutcomeUnknownError, StoreUnavailableError } from '../tickets/TicketStore';

/**
 * How a call ended, before any transport shapes it. Every answerer (built-in, handler module,
 * stubs, not implemented) and the ticket guard end in one of these.
 */
export type CallOutcome =
  | {
      readonly kind: 'value';
      /** The result value (undefined for void), in the forms of codec/values.ts. */
      readonly value: unknown;
      /** For logs and metrics: `success`, or the code of a `<root success="false">` answer (E901, E120 …). */
      readonly code: string;
      /** The session of the `ticket` cookie ended (LogOut): the transport clears the cookie. */
      readonly endedCookieSession?: boolean;
      /** A ticket the call issued (sign-in): the CSRF guard hands out its token. */
      readonly issuedTicket?: string;
    }
  /** The method threw `SoapException(message, code)`: a fault over SOAP, a 500 text/plain over GET/POST. */
  | {
      readonly kind: 'fault';
      readonly message: string;
      readonly faultCode: 'Client' | 'Server';
      readonly code: string;
    }
  /** The method threw another .NET exception, e.g. System.NotImplementedException. */
  | { readonly kind: 'exception'; readonly type: string; readonly message: string; readonly code: string }
  /** The ticket store could not be reached (E903: nothing was changed) or did not answer in time (E904). */
  | { readonly kind: 'storeUnavailable'; readonly error: DomainError; readonly code: string }
  /** A guard outside ASMX refused the call before it ran (the CSRF guard): a plain HTTP refusal. */
  | { readonly kind: 'refused'; readonly error: PlainError; readonly code: string };

/** The log/metric code of an error text such as `[901] Session expired or Invalid ticket` (E901), else `error`. */
export function codeOfMessage(message: string): string {
  if (message.charCodeAt(0) !== 0x5b) return 'error';
  const close = message.indexOf(']');
  const digits = message.slice(1, close);
  return close > 1 && /^\d+$/.test(digits) ? `E${digits}` : 'error';
}

/** Outcomes shared by every call that ends so: see {@link constantOutcome}. */
const CONSTANT_OUTCOMES = new WeakSet<CallOutcome>();

/**
 * Marks an outcome as shared by every call that ends so (and freezes it): the same outcome object
 * always encodes to the same answer, so a transport may encode it once per operation and keep
 * the bytes (a [901] answer is the same for every expired ticket).
 */
export function constantOutcome<T extends CallOutcome>(outcome: T): T {
  // Frozen, the result value with it: a change would reach every later call's answer.
  Object.freeze(outcome);
  if (outcome.kind === 'value') deepFreeze(outcome.value);
  CONSTANT_OUTCOMES.add(outcome);
  return outcome;
}

/** Whether {@link constantOutcome} made this outcome. */
export function isConstantOutcome(outcome: CallOutcome): boolean {
  return CONSTANT_OUTCOMES.has(outcome);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export const NOT_IMPLEMENTED: CallOutcome = constantOutcome({
  kind: 'exception',
  type: 'System.NotImplementedException',
  message: 'The method or operation is not implemented.',
  code: 'P_NOT_IMPLEMENTED',
});

export const STORE_UNAVAILABLE: CallOutcome = constantOutcome({
  kind: 'storeUnavailable',
  error: DomainErrors.STORE_UNAVAILABLE,
  code: DomainErrors.STORE_UNAVAILABLE.code,
});

export const STORE_OUTCOME_UNKNOWN: CallOutcome = constantOutcome({
  kind: 'storeUnavailable',
  error: DomainErrors.STORE_OUTCOME_UNKNOWN,
  code: DomainErrors.STORE_OUTCOME_UNKNOWN.code,
});

/** The outcome of a store failure, or undefined for any other error. */
export function storeFailureOutcome(error: unknown): CallOutcome | undefined {
  if (error instanceof StoreUnavailableError) return STORE_UNAVAILABLE;
  if (error instanceof StoreOutcomeUnknownError) return STORE_OUTCOME_UNKNOWN;
  return undefined;
}
