import { TextDecoder } from 'node:util';
import type { OperationInput } from '../operations/types';
import type { OperationDescription } from '../wsdl/serviceDescription';
import { decodeNameValuePairs } from './plainXml';

const UTF8 = new TextDecoder('utf-8');

/** HTTP GET: `GET /srv.asmx/<Operation>?Param=value`; query strings are UTF-8, as ASP.NET reads them. */
export function decodeHttpGet(
  operation: OperationDescription,
  query: string,
  cookieTicket: string | undefined,
): OperationInput {
  return decodeNameValuePairs(operation, query, UTF8, cookieTicket);
}
