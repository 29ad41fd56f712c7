import type { Arguments, XmlNodeValue } from '../codec/values';
import { operationHandlers } from '../operations';
import { isStoreOutage, rootAttributesOf } from '../operations/shared';
import type { OperationContext, OperationHandler, OperationOutcome } from '../operations/types';
import { DomainErrors, PlainErrors, type DomainError } from '../errors/catalogue';
import type { BuiltInAnswerer } from './answerer';
import {
  STORE_OUTCOME_UNKNOWN,
  STORE_UNAVAILABLE,
  constantOutcome,
  storeFailureOutcome,
  type CallOutcome,
} from './callOutcome';

/**
 * The built-in session service as a plugin: LogOut and the ticket lifecycle, answering the
 * operations of those names that a service's WSDL declares. Their ticket parameters stay optional
 * over HTTP GET/POST (absent or empty means the `ticket` cookie), as the product's documentation
 * promises; everything else about them follows ASMX.
 */
export const SESSION_OPTIONAL_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  LogOut: ['AuthenticationTicket'],
  isValidTicket: ['AuthenticationTicket'],
  RenewTicket: ['OldTicket'],
};

/**
 * Operations that end a session: authenticated only by the `ticket` cookie, they pass the CSRF
 * guard first (when it is on), since a browser sends that cookie on any site's request.
 */
const CSRF_GUARDED: Readonly<Record<string, string>> = { LogOut: 'AuthenticationTicket' };

/** The parameters of each session operation, in order: a WSDL operation of that name answers only with these. */
const SESSION_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  LogOut: ['AuthenticationTicket'],
  AuthenticateUser: ['UID', 'PWD'],
  CreateTicketforUser: ['TrustedUserPwd', 'UserName'],
  isValidTicket: ['AuthenticationTicket'],
  RenewTicket: ['UID', 'PWD', 'Lang', 'OldTicket'],
};

/** The session operations, by name, answering over the given store and users. */
export function sessionAnswerers(context: OperationContext): ReadonlyMap<string, BuiltInAnswerer> {
  const answerers = new Map<string, BuiltInAnswerer>();
  for (const [name, handler] of Object.entries(operationHandlers)) {
    answerers.set(name, {
      ...builtIn(handler, context, CSRF_GUARDED[name]),
      parameters: SESSION_PARAMETERS[name] ?? [],
      optionalParameters: SESSION_OPTIONAL_PARAMETERS[name] ?? [],
    });
  }
  return answerers;
}

function builtIn(
  handler: OperationHandler,
  context: OperationContext,
  csrfTicketParameter: string | undefined,
): Pick<BuiltInAnswerer, 'source' | 'run'> {
  return {
    source: 'built-in',
    // Not an async function: an operation that answers at once (LogOut on the memory store) is
    // answered at once; one that waits, one step after its promise (an async function here and
    // in runOperation cost two steps more each).
    run(args: Arguments, facts): CallOutcome | Promise<CallOutcome> {
      const params: Record<string, string | undefined> = {};
      for (const name in args) {
        const value = args[name];
        if (typeof value === 'string') params[name] = value;
      }
      const cookie = facts.cookieTicket;
      if (
        csrfTicketParameter &&
        !params[csrfTicketParameter] &&
        cookie &&
        facts.cookieOnlyAllowed?.(cookie) === false
      ) {
        return { kind: 'refused', error: PlainErrors.csrfRefused(), code: 'P_CSRF_REFUSED' };
      }
      let running: OperationOutcome | Promise<OperationOutcome>;
      try {
        running = handler({ params, cookieTicket: facts.cookieTicket }, context);
      } catch (error) {
        return storeFailure(error);
      }
      return running instanceof Promise ? running.then(callOutcomeOf, storeFailure) : callOutcomeOf(running);
    },
  };
}

/** What runOperation makes of a store that cannot answer; anything else still throws. */
function storeFailure(error: unknown): CallOutcome {
  const outcome = storeFailureOutcome(error);
  if (outcome) return outcome;
  throw error;
}

function callOutcomeOf(outcome: OperationOutcome): CallOutcome {
  if (isStoreOutage(outcome)) {
    return !outcome.ok && outcome.error === DomainErrors.STORE_OUTCOME_UNKNOWN
      ? STORE_OUTCOME_UNKNOWN
      : STORE_UNAVAILABLE;
  }
  if (!outcome.ok) return refusalOf(outcome.error);
  const attributes = outcome.attributes;
  if (attributes.length === 1 && attributes[0]?.[0] === 'success' && attributes[0][1] === 'true') {
    // `<root success="true" />` (LogOut): the same answer every time.
    return outcome.endedCookieSession ? SUCCESS_ENDING_COOKIE_SESSION : SUCCESS;
  }
  const root: XmlNodeValue = { name: 'root', attributes };
  const issuedTicket = attributes.find(([name]) => name === 'ticket')?.[1];
  return {
    kind: 'value',
    value: root,
    code: 'success',
    ...(outcome.endedCookieSession ? { endedCookieSession: true } : {}),
    ...(issuedTicket ? { issuedTicket } : {}),
  };
}

const SUCCESS = constantOutcome({
  kind: 'value',
  value: { name: 'root', attributes: [['success', 'true']] },
  code: 'success',
});
const SUCCESS_ENDING_COOKIE_SESSION = constantOutcome({
  kind: 'value',
  value: { name: 'root', attributes: [['success', 'true']] },
  code: 'success',
  endedCookieSession: true,
});

/** `<root success="false" error="…" />` of each domain error, made once: every [901] is the same answer. */
const REFUSALS = new WeakMap<DomainError, CallOutcome>();

function refusalOf(error: DomainError): CallOutcome {
  let outcome = REFUSALS.get(error);
  if (!outcome) {
    const root: XmlNodeValue = { name: 'root', attributes: rootAttributesOf({ ok: false, error }) };
    outcome = constantOutcome({ kind: 'value', value: root, code: error.code });
    REFUSALS.set(error, outcome);
  }
  return outcome;
}
