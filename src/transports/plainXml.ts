import { TextDecoder } from 'node:util';
import { isStoreOutage, rootAttributesOf } from '../operations/shared';
import type { OperationInput, OperationOutcome } from '../operations/types';
import type { OperationDescription } from '../wsdl/serviceDescription';
import { XML_DECLARATION, renderRoot } from '../xml/rootElement';
import { CONTENT_TYPES, asmxAnswer, outcomeCode, type HttpAnswer } from './answer';
import { parseUrlEncoded } from './urlEncoded';

/**
 * Decoding shared by HTTP GET (query string) and HTTP POST (form body). ASP.NET's collections
 * match names case-insensitively; for a repeated name the first value wins.
 */
export function decodeNameValuePairs(
  operation: OperationDescription,
  raw: string,
  decoder: TextDecoder,
  cookieTicket: string | undefined,
): OperationInput {
  const wanted = new Map(operation.params.map((name) => [name.toLowerCase(), name]));
  const params: Record<string, string> = {};
  for (const [key, value] of parseUrlEncoded(raw, decoder)) {
    const name = wanted.get(key.toLowerCase());
    if (name !== undefined && !(name in params)) params[name] = value;
  }
  return { params, cookieTicket };
}

/**
 * `<?xml ...?>` newline `<root ... />`, as ASMX writes an XmlNode result over GET and POST.
 * Status 200 like every ASMX answer, except a store outage: 503 with Retry-After, so scripts and
 * load balancers see a transient failure rather than a service answer.
 */
export function encodePlainXml(outcome: OperationOutcome): HttpAnswer {
  const body = `${XML_DECLARATION}\n${renderRoot(rootAttributesOf(outcome), false)}`;
  if (!isStoreOutage(outcome)) {
    return { ...asmxAnswer(200, CONTENT_TYPES.xml, body), outcome: outcomeCode(outcome) };
  }
  const answer = asmxAnswer(503, CONTENT_TYPES.xml, body);
  return { ...answer, outcome: outcomeCode(outcome), headers: { ...answer.headers, 'Retry-After': '1' } };
}
