import type { XmlNodeValue } from '../codec/values';
import { escapeAttribute } from './escape';

/** The attributes of a `<root .../>` result, in the order ASMX writes them. */
export type RootAttributes = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * Renders `<root a="1" b="2" />`. ASMX writes a space before `/>`; inside a SOAP body it also
 * writes `xmlns=""` last, because the result element sits inside the tempuri default namespace
 * and `root` must stay in no namespace.
 */
export function renderRoot(attributes: RootAttributes, inSoapBody: boolean): string {
  let out = '<root';
  for (const [name, value] of attributes) {
    out += ` ${name}="${escapeAttribute(value)}"`;
  }
  return out + (inSoapBody ? ' xmlns="" />' : ' />');
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

/** `<root success="false" error="message" />`: how an XmlNode operation reports a failure (status 200). */
export function rootError(message: string): XmlNodeValue {
  return {
    name: 'root',
    attributes: [
      ['success', 'false'],
      ['error', message],
    ],
  };
}
