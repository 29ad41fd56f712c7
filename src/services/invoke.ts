import type { Clock } from '../clock';
import type { MemberModel, OperationModel } from '../contract/model';
import type { Arguments, XmlNodeValue } from '../codec/values';
import { DomainErrors } from '../errors/catalogue';
import type { TicketInfo, TicketStore } from '../tickets/TicketStore';
import type { UserDirectory } from '../users/userDirectory';
import type { Answerer, AnswerSource, CallFacts } from './answerer';
import { codeOfMessage, NOT_IMPLEMENTED, storeFailureOutcome, type CallOutcome } from './callOutcome';
import { SoapFault, type HandlerContext, type TicketUser } from './handlerApi';
import { UNHANDLED } from './unhandled';
import { rootError } from '../xml/rootElement';

/** Longer than any ticket ever issued (a GUID is 36 characters); such values never reach a store. */
const MAX_TICKET_LENGTH = 64;

export interface InvokeDependencies {
  readonly store: TicketStore;
  readonly users: UserDirectory;
  readonly clock: Clock;
  /** Told of a handler that threw something other than a fault (a bug in the handler). */
  readonly onHandlerError: (operation: string, error: unknown) => void;
}

/** The parameter that makes an operation guarded by the ticket: named authenticationTicket, any case. */
export function ticketParameter(operation: OperationModel): MemberModel | undefined {
  return operation.params.find((p) => p.name.toLowerCase() === 'authenticationticket');
}

/** How a call was answered, for the switch-over report: who answered, or nobody (not implemented). */
export type AnsweredBy = 'built-in' | 'handler' | 'stub' | 'forwarded' | 'not-implemented';

/** A call's outcome and who gave it. A refusal of the ticket guard counts for the answerer it stood before. */
export interface Invoked {
  readonly outcome: CallOutcome;
  readonly answeredBy: AnsweredBy;
}

const ANSWERED_BY: Readonly<Record<AnswerSource, AnsweredBy>> = {
  'built-in': 'built-in',
  handler: 'handler',
  stub: 'stub',
  forward: 'forwarded',
};

/** A call nobody answers. */
const NOT_IMPLEMENTED_CALL: Invoked = { outcome: NOT_IMPLEMENTED, answeredBy: 'not-implemented' };

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs one call: the ticket guard (for guarded operations answered by a handler or stubs), then
 * the answerers in precedence order; an operation nobody answers is what .NET answers for a
 * method whose body is `throw new NotImplementedException()`. Knows nothing of HTTP.
 *
 * Returns the result itself when it is known without waiting (nobody answers; a built-in
 * operation that answered at once, LogOut on the memory store; a stub or a handler that answered
 * at once behind a ticket the memory store checked), else a promise: the caller goes on at once
 * instead of a microtask later. A built-in operation (the session service, always the
 * first answerer when there is one) that waits costs one promise step after its own, not an
 * async function's several: the hot path of every LogOut.
 */
export function invoke(
  servicePath: string,
  operation: OperationModel,
  answerers: readonly Answerer[],
  args: Arguments,
  facts: CallFacts,
  deps: InvokeDependencies,
): Invoked | Promise<Invoked> {
  return invokeAnswerers(servicePath, operation, answerers, args, facts, deps);
}

/**
 * The answerers from `from` on, in order, the guard's session once it ran. Synchronous as long as
 * nothing waits (the memory store's ticket check, a stub's answer): an operation answered at once
 * is answered in the turn its request arrived; from the first promise on, it goes on from there.
 */
function invokeAnswerers(
  servicePath: string,
  operation: OperationModel,
  answerers: readonly Answerer[],
  args: Arguments,
  facts: CallFacts,
  deps: InvokeDependencies,
  from = 0,
  guarded: Session | undefined = undefined,
): Invoked | Promise<Invoked> {
  const returnsXmlNode = operation.result?.type.kind === 'xmlNode';
  let session = guarded;
  for (let at = from; at < answerers.length; at++) {
    const answerer = answerers[at] as Answerer;
    const answeredBy = ANSWERED_BY[answerer.source];
    if (answerer.source === 'built-in') {
      const ran = answerer.run(args, facts);
      return ran instanceof Promise
        ? ran.then((outcome) => ({ outcome, answeredBy }))
        : { outcome: ran, answeredBy };
    }
    // The guard runs once, before the first answerer that is not built in.
    if (session === undefined) {
      let checked: Guarded | Promise<Guarded>;
      try {
        checked = guard(operation, args, facts, deps);
      } catch (error) {
        return guardFailed(error, answeredBy);
      }
      if (checked instanceof Promise) {
        const resumeAt = at;
        return checked.then(
          (found) =>
            found === null
              ? deadTicket(returnsXmlNode, answeredBy)
              : invokeAnswerers(servicePath, operation, answerers, args, facts, deps, resumeAt, found),
          (error: unknown) => guardFailed(error, answeredBy),
        );
      }
      if (checked === null) return deadTicket(returnsXmlNode, answeredBy);
      session = checked;
    }
    const context: HandlerContext = {
      service: servicePath,
      operation: operation.name,
      transport: facts.transport,
      ticket: session?.ticket,
      user: session?.user,
      clock: deps.clock,
      fault,
      rootError,
    };
    let value: unknown;
    try {
      value = answerer.call(args, context);
    } catch (error) {
      return handlerFailed(error, operation, answeredBy, deps);
    }
    if (isThenable(value)) {
      const resumeAt = at;
      const resumeWith = session;
      return Promise.resolve(value).then(
        (answered) =>
          answered === UNHANDLED
            ? invokeAnswerers(servicePath, operation, answerers, args, facts, deps, resumeAt + 1, resumeWith)
            : valueOutcome(answered, returnsXmlNode, answeredBy),
        (error: unknown) => handlerFailed(error, operation, answeredBy, deps),
      );
    }
    // A stub whose rules do not match passes the call on.
    if (value === UNHANDLED) continue;
    return valueOutcome(value, returnsXmlNode, answeredBy);
  }
  return NOT_IMPLEMENTED_CALL;
}

function valueOutcome(value: unknown, returnsXmlNode: boolean, answeredBy: AnsweredBy): Invoked {
  return {
    outcome: { kind: 'value', value, code: returnsXmlNode ? codeOfRoot(value) : 'success' },
    answeredBy,
  };
}

function deadTicket(returnsXmlNode: boolean, answeredBy: AnsweredBy): Invoked {
  return { outcome: failWith(returnsXmlNode, DomainErrors.INVALID_TICKET.text), answeredBy };
}

/** A store that cannot check the ticket is an outcome of its own; anything else still throws. */
function guardFailed(error: unknown, answeredBy: AnsweredBy): Invoked {
  const failure = storeFailureOutcome(error);
  if (failure) return { outcome: failure, answeredBy };
  throw error;
}

/** What a handler's error means: its SoapFault, a store outage, or (logged) the internal error. */
function handlerFailed(
  error: unknown,
  operation: OperationModel,
  answeredBy: AnsweredBy,
  deps: InvokeDependencies,
): Invoked {
  if (error instanceof SoapFault) {
    return {
      outcome: {
        kind: 'fault',
        message: error.message,
        faultCode: error.code,
        code: codeOfMessage(error.message),
      },
      answeredBy,
    };
  }
  const failure = storeFailureOutcome(error);
  if (failure) return { outcome: failure, answeredBy };
  deps.onHandlerError(operation.name, error);
  throw error;
}

/** {@link HandlerContext.fault}: the same for every call, so it is not made anew per call. */
function fault(message: string): never {
  throw new SoapFault(message);
}

/** The ticket guard's refusal: `<root success="false" …>` for an XmlNode result, else a soap:Client fault. */
function failWith(returnsXmlNode: boolean, message: string): CallOutcome {
  return returnsXmlNode
    ? { kind: 'value', value: rootError(message), code: codeOfMessage(message) }
    : { kind: 'fault', message, faultCode: 'Client', code: codeOfMessage(message) };
}

/** The session a guarded call runs in: its ticket and user. */
interface Session {
  readonly ticket: string;
  readonly user: TicketUser;
}

/** Undefined for an unguarded operation, null for a dead ticket. */
type Guarded = Session | undefined | null;

/**
 * The ticket guard: the ticket parameter, or the `ticket` cookie when it is absent or empty, must
 * be live; using it slides its expiry. At once when the store answers at once (the memory store).
 */
function guard(
  operation: OperationModel,
  args: Arguments,
  facts: CallFacts,
  deps: InvokeDependencies,
): Guarded | Promise<Guarded> {
  const param = ticketParameter(operation);
  if (!param) return undefined;
  const given = args[param.name];
  const ticket = (typeof given === 'string' && given !== '' ? given : facts.cookieTicket) ?? '';
  if (ticket === '' || ticket.length > MAX_TICKET_LENGTH) return null;
  const { store } = deps;
  const touched = store.touchAtOnce ? store.touchAtOnce(ticket) : store.touch(ticket);
  return touched instanceof Promise
    ? touched.then((info) => sessionOf(ticket, info, deps))
    : sessionOf(ticket, touched, deps);
}

function sessionOf(ticket: string, info: TicketInfo | undefined, deps: InvokeDependencies): Guarded {
  if (!info) return null;
  const user = deps.users.find(info.userKey);
  if (user?.disabled) return null;
  return {
    ticket,
    user: user
      ? { username: user.username, userid: user.userid, fullname: user.fullname, email: user.email }
      : { username: info.userKey },
  };
}

/** `success`, or E<code> of `<root success="false" error="[NNN] …">`, for logs and metrics. */
function codeOfRoot(value: unknown): string {
  if (!value || typeof value !== 'object') return 'success';
  const attributes = (value as XmlNodeValue).attributes;
  const success = attributes?.find(([name]) => name === 'success')?.[1];
  if (success !== 'false') return 'success';
  return codeOfMessage(attributes?.find(([name]) => name === 'error')?.[1] ?? '');
}
