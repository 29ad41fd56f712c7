import type { OperationInput } from '../operations/types';
import type { OperationDescription } from '../wsdl/serviceDescription';
import { textDecoderFor } from './charset';
import { decodeNameValuePairs } from './plainXml';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/**
 * HTTP POST: `POST /srv.asmx/<Operation>` with an `application/x-www-form-urlencoded` body in the
 * charset of its Content-Type (UTF-8 by default). A charset that cannot be decoded is refused.
 */
export function decodeHttpPost(
  operation: OperationDescription,
  body: Buffer,
  charset: string | undefined,
  cookieTicket: string | undefined,
): OperationInput | { readonly unsupportedCharset: string } {
  const decoder = textDecoderFor(charset, false);
  if ('unsupported' in decoder) return { unsupportedCharset: decoder.unsupported };
  return decodeNameValuePairs(operation, body.toString('latin1'), decoder, cookieTicket);
}
