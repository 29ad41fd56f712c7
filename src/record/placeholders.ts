/**
 * What never goes into a recording: live tickets (written `{{ticket}}`, and a stub rule's
 * results name the argument that carried the ticket instead), passwords (`{{password}}`), and in
 * raw answers the times the upstream wrote about tickets (`expireOn="{{expireOn}}"`).
 */
import type { OperationModel } from '../contract/model';
import { isPasswordParameter } from './stubRules';

export const TICKET_PLACEHOLDER = '{{ticket}}';
export const PASSWORD_PLACEHOLDER = '{{password}}';

/** Every known live ticket replaced by `{{ticket}}`. */
export function withoutTickets(text: string, tickets: Iterable<string>): string {
  let result = text;
  for (const ticket of tickets) if (ticket) result = result.split(ticket).join(TICKET_PLACEHOLDER);
  return result;
}

export function withoutTimes(text: string): string {
  return text.replace(/expireOn="[^"]*"/g, 'expireOn="{{expireOn}}"');
}

/** The password parameters of every operation of the service. */
export function passwordParameters(operations: readonly OperationModel[]): Set<string> {
  const names = new Set<string>();
  for (const operation of operations)
    for (const p of operation.params) if (isPasswordParameter(p.name)) names.add(p.name);
  return names;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Password values in a query string, a form and SOAP elements replaced by `{{password}}`. */
export function withoutPasswords(text: string, names: ReadonlySet<string>): string {
  let result = text;
  for (const name of names) {
    const n = escapeRegExp(name);
    result = result
      .replace(new RegExp(`([?&]|^)(${n})=[^&\\s]*`, 'gim'), `$1$2=${PASSWORD_PLACEHOLDER}`)
      .replace(
        new RegExp(`<((?:\\w+:)?${n})(\\s[^>]*)?>[\\s\\S]*?</\\1>`, 'g'),
        `<$1$2>${PASSWORD_PLACEHOLDER}</$1>`,
      );
  }
  return result;
}
