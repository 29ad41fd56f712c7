import { rootAttributesOf } from '../operations/shared';
import type { OperationDescription } from '../wsdl/serviceDescription';
import type { OperationInput, OperationOutcome } from '../operations/types';
import { XML_DECLARATION, renderRoot } from '../xml/rootElement';
import { CONTENT_TYPES, asmxAnswer, type HttpAnswer } from './answer';

/**
 * Decoding shared by HTTP GET (query string) and HTTP POST (form body): both are
 * `name=value&...` pairs. ASP.NET's collections match names case-insensitively; for a repeated
 * name the first value wins.
 */
export function decodeNameValuePairs(
  operation: OperationDescription,
  encoded: string,
  cookieTicket: string | undefined,
): OperationInput {
  const wanted = new Map(operation.params.map((name) => [name.toLowerCase(), name]));
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const name = wanted.get(key.toLowerCase());
    if (name !== undefined && !(name in params)) params[name] = value;
  }
  return { params, cookieTicket };
}

/** `<?xml ...?>` newline `<root ... />`, as ASMX writes an XmlNode result over GET and POST. */
export function encodePlainXml(outcome: OperationOutcome): HttpAnswer {
  return asmxAnswer(
    200,
    CONTENT_TYPES.xml,
    `${XML_DECLARATION}\n${renderRoot(rootAttributesOf(outcome), false)}`,
  );
}
