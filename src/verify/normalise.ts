/**
 * What may differ between two answers of the same call without either being wrong: live tickets
 * (`{{ticket}}`), the times written about them (`expireOn`), and .NET stack traces (the emulator
 * never sends one; an upstream does). Applied to both sides before they are compared.
 */
export interface Normalised {
  readonly status: string;
  readonly headers: string;
  readonly body: string;
}

/** Stack frames (`   at …`) and `--- End of inner exception stack trace ---` lines, inside SOAP faults too. */
export function withoutStackTraces(body: string, plainText: boolean): string {
  // In text/plain a frame is a whole line; inside XML it ends at the line or at the closing tag.
  const stripped = body
    .replace(plainText ? /\r?\n[ \t]*at [^\r\n]*/g : /\r?\n[ \t]*at [^\r\n<]*/g, '')
    .replace(/\r?\n[ \t]*--- End of inner exception stack trace ---/g, '');
  return plainText ? stripped.replace(/\s+$/, '') : stripped.replace(/[ \t\r\n]+<\//g, '</');
}

/** Every ticket given replaced by `{{ticket}}`, GUID-shaped values after `ticket="` too, and every `expireOn` value. */
export function withoutLiveValues(text: string, tickets: readonly string[]): string {
  let result = text;
  for (const ticket of tickets) if (ticket) result = result.split(ticket).join('{{ticket}}');
  return result
    .replace(/\bticket="[0-9a-fA-F-]{36}"/g, 'ticket="{{ticket}}"')
    .replace(/expireOn="[^"]*"/g, 'expireOn="{{expireOn}}"');
}
