/**
 * Names of arguments in stub files: a parameter (`path`), a member of a complex parameter by a
 * dotted path (`info.Name`, `customer.Address.City`), or `$user` (the user name of the ticket).
 * Resolved against the operation's model when the file is loaded; read from the decoded
 * arguments at request time.
 */
import type { Arguments } from '../../codec/values';
import type { MemberModel, OperationModel, TypeModel } from '../../contract/model';
import type { HandlerContext } from '../handlerApi';
import { ticketParameter } from '../invoke';
import { caseHint, describeType, quotedList } from './describe';

export const USER_NAME = '$user';
/** The transport of the request (`soap11`, `soap12`, `http-get`, `http-post`): recordings name it where answers differ by it. */
export const TRANSPORT = '$transport';

export type ResolvedName =
  | { readonly kind: 'user' }
  | { readonly kind: 'transport' }
  | {
      readonly kind: 'argument';
      /** Member names from the arguments object down (`['info', 'Name']`). */
      readonly segments: readonly string[];
      /** The type at the end of the path. */
      readonly type: TypeModel;
    };

/**
 * Resolves a name against an operation, or returns the reason it cannot be used (a sentence
 * naming what is allowed). Member names may themselves hold dots (an NCName may): at each step
 * the longest run of segments naming a member wins.
 */
export function resolveName(
  name: string,
  operation: OperationModel,
): ResolvedName | { readonly error: string } {
  // The ticket guard runs, and a request has a user, when the operation has a ticket parameter.
  const guarded = ticketParameter(operation) !== undefined;
  if (name === TRANSPORT) return { kind: 'transport' };
  if (name === USER_NAME) {
    if (!guarded) {
      return {
        error:
          `"${USER_NAME}" is the user of the request's ticket, but ${operation.name} has no authenticationTicket ` +
          `parameter, so its requests carry no ticket and no user`,
      };
    }
    return { kind: 'user' };
  }
  const parts = name.split('.');
  const segments: string[] = [];
  let members: readonly MemberModel[] = operation.params;
  let owner = operation.name;
  let index = 0;
  let type: TypeModel | undefined;
  while (index < parts.length) {
    if (type !== undefined) {
      if (type.kind !== 'complex') {
        return {
          error:
            `"${name}": ${segments.join('.')} is ${describeType(type)}, not a complex type; ` +
            `a dotted path goes through members of complex types only`,
        };
      }
      members = type.members;
      owner = type.name;
    }
    let found: MemberModel | undefined;
    let taken = 0;
    for (let k = parts.length - index; k >= 1 && found === undefined; k--) {
      const candidate = parts.slice(index, index + k).join('.');
      found = members.find((m) => m.name === candidate);
      if (found !== undefined) taken = k;
    }
    if (found === undefined) {
      const wanted = parts[index] ?? '';
      const names = members.map((m) => m.name);
      const what =
        segments.length === 0
          ? `is not a parameter of ${owner}; its parameters are ${quotedList(names)}` +
            (guarded ? ` (and "${USER_NAME}", the user of the ticket)` : '')
          : `${owner} has no member "${wanted}"; its members are ${quotedList(names)}`;
      const candidates = segments.length === 0 && guarded ? [...names, USER_NAME] : names;
      return {
        error: `"${name}" ${segments.length === 0 ? '' : `(at "${wanted}"): `}${what}${caseHint(wanted, candidates)}`,
      };
    }
    segments.push(found.name);
    type = found.type;
    index += taken;
  }
  if (type === undefined) return { error: `"${name}" names nothing` };
  return { kind: 'argument', segments, type };
}

/** The value at a resolved name; undefined when it or an object on the way is absent or nil. */
export function readName(resolved: ResolvedName, args: Arguments, context: HandlerContext): unknown {
  if (resolved.kind === 'user') return context.user?.username;
  if (resolved.kind === 'transport') return context.transport;
  let value: unknown = args;
  for (const segment of resolved.segments) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}
