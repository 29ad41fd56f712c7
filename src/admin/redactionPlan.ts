import { SHORTEST_SLICE, ownCopy } from './ownCopy';
import { REDACTED, isSecretName, isTicketName, redactArguments } from './redactArguments';

/** What a parameter's name makes of its value: a secret (`***`), a ticket (its short hash), or plain. */
type NameKind = typeof PLAIN | typeof SECRET | typeof TICKET;
const PLAIN = 0;
const SECRET = 1;
const TICKET = 2;

function nameKind(name: string): NameKind {
  return isSecretName(name) ? SECRET : isTicketName(name) ? TICKET : PLAIN;
}

/** Strings longer than this are cut by redactArguments, so they are redacted when recorded. */
const LONGEST_KEPT = 500;

/** Arguments redacted when recorded (they held something the ring may not keep). */
class Redacted {
  constructor(readonly shown: Record<string, unknown>) {}
}

/** Arguments that are the carried ticket alone, in the parameter named: nothing kept but the ticket. */
class CarriedOnly {
  constructor(readonly name: string) {}
}

/**
 * A call's arguments as the journal's ring keeps them: nothing for a call whose only argument is
 * the ticket it carried (LogOut, isValidTicket), the arguments themselves when they hold only
 * plain values, else a copy with secrets as `***` and tickets copied out of the request, or what
 * redactArguments shows, computed at once (complex values, long strings, a ticket equal to a
 * secret). Never a password or one of the secrets.
 */
export type KeptArguments = Readonly<Record<string, unknown>> | Redacted | CarriedOnly;

/**
 * redactArguments split in two, by the kinds of an operation's parameter names found once (no
 * regex per call): {@link keep} when a call is recorded does only what keeps secrets (and request
 * bodies) out of the ring; {@link RedactionPlan.show}, when the journal is read, does the rest
 * (tickets hashed, values equal to the carried ticket hidden, long strings cut).
 * `show(keep(args, s, t), s, t)` equals `redactArguments(args, s, t)`.
 */
export class RedactionPlan {
  private readonly kinds: readonly NameKind[];
  private readonly carriedOnly: CarriedOnly | undefined;

  constructor(
    /** The parameters in declaration order (arguments usually come in it). */
    private readonly names: readonly string[],
    /** The parameter that holds the ticket a call carries, if any. */
    carriedParameter?: string,
  ) {
    this.kinds = names.map(nameKind);
    this.carriedOnly =
      carriedParameter !== undefined && names.length === 1 && names[0] === carriedParameter
        ? new CarriedOnly(carriedParameter)
        : undefined;
  }

  private kindOf(name: string, index: number): NameKind {
    if (this.names[index] === name) return this.kinds[index] as NameKind;
    const at = this.names.indexOf(name);
    return at >= 0 ? (this.kinds[at] as NameKind) : nameKind(name);
  }

  /**
   * What the ring keeps of `args` (see {@link KeptArguments}); `carried`, the ticket the call
   * carried ('' when none), is what {@link RedactionPlan.show} is given again.
   */
  keep(
    args: Readonly<Record<string, unknown>>,
    secrets: ReadonlySet<string>,
    carried: string,
  ): KeptArguments {
    const only = this.carriedOnly;
    if (
      only !== undefined &&
      carried !== '' &&
      args[only.name] === carried &&
      hasOnly(args, only.name) &&
      !secrets.has(carried)
    ) {
      return only;
    }
    const names = Object.keys(args);
    let copy: Record<string, unknown> | undefined;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const value = args[name];
      if (value === null || value === undefined) continue;
      const kind = this.kindOf(name, i);
      let kept: unknown = REDACTED;
      if (typeof value === 'string') {
        if (value === '') continue;
        if (value.length > LONGEST_KEPT) return new Redacted(redactArguments(args, secrets, carried));
        if (kind !== SECRET && (secrets.size === 0 || !secrets.has(value))) {
          if (kind === PLAIN) {
            // The carried ticket shows as `***` under a plain name.
            if (value !== carried) continue;
          } else if (value.length < SHORTEST_SLICE) {
            // Already a copy of its own (see ownCopy): kept as it is.
            continue;
          } else {
            // A ticket is kept until read: copied out of the request.
            kept = ownCopy(value);
          }
        } else if (kind === TICKET) {
          // A ticket-named secret shows as its hash: made now rather than keeping the secret.
          return new Redacted(redactArguments(args, secrets, carried));
        }
      } else if (typeof value === 'number' || typeof value === 'boolean') {
        if (kind !== SECRET) continue;
      } else {
        return new Redacted(redactArguments(args, secrets, carried));
      }
      // `***` shows as `***` under any name; a ticket's copy as the ticket did.
      copy ??= { ...args };
      copy[name] = kept;
    }
    return copy ?? args;
  }

  /** What the journal shows of arguments {@link keep} kept, given the same carried ticket. */
  static show(kept: KeptArguments, secrets: ReadonlySet<string>, carried: string): Record<string, unknown> {
    if (kept instanceof Redacted) return kept.shown;
    if (kept instanceof CarriedOnly) return redactArguments({ [kept.name]: carried }, secrets, carried);
    return redactArguments(kept, secrets, carried);
  }
}

/** Whether `name` is the only own enumerable property of `args`. */
function hasOnly(args: Readonly<Record<string, unknown>>, name: string): boolean {
  let count = 0;
  for (const key in args) {
    if (key !== name || !Object.prototype.hasOwnProperty.call(args, key)) return false;
    count++;
  }
  return count === 1;
}
