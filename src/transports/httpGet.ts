import type { OperationDescription } from '../wsdl/serviceDescription';
import type { OperationInput } from '../operations/types';
import { decodeNameValuePairs } from './plainXml';

/** HTTP GET: `GET /srv.asmx/<Operation>?Param=value`. */
export function decodeHttpGet(
  operation: OperationDescription,
  query: string,
  cookieTicket: string | undefined,
): OperationInput {
  return decodeNameValuePairs(operation, query, cookieTicket);
}
