import { ticketHash } from './ticketHash';

/** Parameter names whose values are secrets, shown as `***` (PWD, TrustedUserPwd, password, …). */
const SECRET_NAME = /pwd|passw|secret|token/i;
/** Parameter names whose values are tickets, shown by their short hash (`#3f2a9c1b0d4e`). */
const TICKET_NAME = /ticket/i;

export const REDACTED = '***';

/** Whether a parameter (or member) of this name holds a secret. */
export const isSecretName = (name: string): boolean => SECRET_NAME.test(name);
/** Whether a parameter (or member) of this name holds a ticket (and is no secret's). */
export const isTicketName = (name: string): boolean => TICKET_NAME.test(name);

/** How the journal shows a ticket: `#` and its short hash (empty stays empty). */
export function ticketReference(ticket: string): string {
  return ticket === '' ? '' : `#${ticketHash(ticket)}`;
}

/**
 * A call's arguments as the journal keeps them: JSON values, with secrets as `***` and tickets as
 * their short hash, by parameter name at any depth (members of complex arguments included), and
 * any value equal to one of `secrets` (the trusted password, the tickets the call carried) hidden
 * whatever its name. Buffers show their length only.
 */
export function redactArguments(
  args: Readonly<Record<string, unknown>>,
  secrets: ReadonlySet<string>,
  /** The ticket the call carried (parameter or cookie), hidden wherever it appears. */
  carried = '',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(args)) out[name] = redactValue(name, args[name], secrets, carried, 0);
  return out;
}

function redactValue(
  name: string,
  value: unknown,
  secrets: ReadonlySet<string>,
  carried: string,
  depth: number,
): unknown {
  if (value === null || value === undefined) return null;
  if (depth > 8) return '…';
  if (typeof value === 'string') {
    if (value === '') return '';
    if (SECRET_NAME.test(name)) return REDACTED;
    if (TICKET_NAME.test(name)) return ticketReference(value);
    if (value === carried || secrets.has(value)) return REDACTED;
    return value.length > 500 ? `${value.slice(0, 500)}…` : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return SECRET_NAME.test(name) ? REDACTED : value;
  }
  if (typeof value === 'bigint') return SECRET_NAME.test(name) ? REDACTED : value.toString();
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) {
    return value.slice(0, 50).map((item) => redactValue(name, item, secrets, carried, depth + 1));
  }
  if (typeof value === 'object') {
    // DotNetDateTime and other value classes print as their text.
    if (Object.getPrototypeOf(value) !== Object.prototype)
      return redactValue(name, String(value), secrets, carried, depth + 1);
    const out: Record<string, unknown> = {};
    for (const [member, inner] of Object.entries(value)) {
      out[member] = redactValue(SECRET_NAME.test(name) ? name : member, inner, secrets, carried, depth + 1);
    }
    return out;
  }
  return String(value);
}
