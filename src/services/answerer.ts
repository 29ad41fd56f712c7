import type { Arguments } from '../codec/values';
import type { CallOutcome } from './callOutcome';
import type { OperationHandlerFunction, Transport } from './handlerApi';

/** Who answers an operation. Precedence: built-in, handler module, stubs, the upstream (forward mode); else not implemented. */
export type AnswerSource = 'built-in' | 'handler' | 'stub' | 'forward';

/** What the transport knows of a call besides its arguments. */
export interface CallFacts {
  readonly transport: Transport;
  /** The request's `ticket` cookie, ASMX's fallback when a ticket parameter is absent or empty. */
  readonly cookieTicket: string | undefined;
  /**
   * Whether a state change authenticated only by that cookie may go ahead (the CSRF guard of the
   * browser flows, off by default); absent means allowed.
   */
  readonly cookieOnlyAllowed?: (cookieTicket: string) => boolean;
}

/** A handler-module function, a stub file or the upstream (forward mode): typed value in and out, behind the ticket guard. */
export interface ValueAnswerer {
  readonly source: 'handler' | 'stub' | 'forward';
  /** The result value, or {@link UNHANDLED} to pass the call on (stubs whose rules do not match). */
  readonly call: OperationHandlerFunction;
}

/**
 * A built-in operation (the session service): it reads and changes the ticket store itself, so
 * the ticket guard does not run before it (isValidTicket must stay passive, LogOut must not slide
 * the ticket it ends).
 */
export interface BuiltInAnswerer {
  readonly source: 'built-in';
  /** The parameter names, in order, of the operation it answers: it answers a WSDL operation only with exactly these and an XmlNode result. */
  readonly parameters: readonly string[];
  /** Parameters that may be left out over GET/POST (null then), as the product documents them. */
  readonly optionalParameters: readonly string[];
  /** Its outcome at once when the operation knows it without waiting, else the promise of it. */
  run(args: Arguments, facts: CallFacts): CallOutcome | Promise<CallOutcome>;
}

export type Answerer = ValueAnswerer | BuiltInAnswerer;
