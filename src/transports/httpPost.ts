import type { OperationDescription } from '../wsdl/serviceDescription';
import type { OperationInput } from '../operations/types';
import { decodeNameValuePairs } from './plainXml';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** HTTP POST: `POST /srv.asmx/<Operation>` with an `application/x-www-form-urlencoded` body. */
export function decodeHttpPost(
  operation: OperationDescription,
  body: Buffer,
  cookieTicket: string | undefined,
): OperationInput {
  return decodeNameValuePairs(operation, body.toString('utf8'), cookieTicket);
}
