import { TextDecoder } from 'node:util';
import type { OperationModel } from '../contract/model';
import { decodeFormArguments, type FormArgumentError, type FormSource } from '../codec/decodeFormArguments';
import { encodePlainBody } from '../codec/encodeResult';
import { htmlEncodeMessage } from '../codec/htmlEncode';
import type { Arguments } from '../codec/values';
import type { CallOutcome } from '../services/callOutcome';
import { rootError } from '../services/invoke';
import { XML_DECLARATION, renderRoot } from '../xml/rootElement';
import { CONTENT_TYPES, PRE_INVOKE_CACHE_CONTROL, asmxAnswer, plainError, type HttpAnswer } from './answer';
import { textDecoderFor } from './charset';
import { parseUrlEncoded } from './urlEncoded';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

const UTF8 = new TextDecoder('utf-8');

export type DecodedForm = { readonly args: Arguments } | { readonly error: FormArgumentError };

/** HTTP GET: `GET /srv.asmx/<Operation>?Param=value`; query strings are UTF-8, as ASP.NET reads them. */
export function decodeHttpGet(
  operation: OperationModel,
  query: string,
  optional: ReadonlySet<string>,
): DecodedForm {
  return decode(operation, parseUrlEncoded(query, UTF8), 'QueryString', optional);
}

/**
 * HTTP POST: `POST /srv.asmx/<Operation>` with an `application/x-www-form-urlencoded` body in the
 * charset of its Content-Type (UTF-8 by default). A charset that cannot be decoded is refused.
 */
export function decodeHttpPost(
  operation: OperationModel,
  body: Buffer,
  charset: string | undefined,
  optional: ReadonlySet<string>,
): DecodedForm | { readonly unsupportedCharset: string } {
  const decoder = textDecoderFor(charset, false);
  if ('unsupported' in decoder) return { unsupportedCharset: decoder.unsupported };
  return decode(operation, parseUrlEncoded(body.toString('latin1'), decoder), 'Form', optional);
}

function decode(
  operation: OperationModel,
  pairs: Array<[string, string]>,
  source: FormSource,
  optional: ReadonlySet<string>,
): DecodedForm {
  return decodeFormArguments(operation, pairs, source, optional);
}

/** A parameter-reading failure: 500 text/plain with the .NET text, made before the method ran. */
export function formArgumentErrorAnswer(error: FormArgumentError): HttpAnswer {
  const answer = asmxAnswer(500, CONTENT_TYPES.text, error.message);
  return {
    ...answer,
    outcome: error.code,
    headers: { ...answer.headers, 'Cache-Control': PRE_INVOKE_CACHE_CONTROL },
  };
}

/**
 * The answer to a call over HTTP GET/POST: the result document (`<?xml …?>` LF, then the value
 * indented), nothing at all for a void method, or the exception text of a failed call. Status 200
 * like every ASMX answer, except a store outage: 503 with Retry-After, so scripts and load
 * balancers see a transient failure rather than a service answer.
 */
export function encodeFormOutcome(operation: OperationModel, outcome: CallOutcome): HttpAnswer {
  switch (outcome.kind) {
    case 'value': {
      const body = encodePlainBody(operation, outcome.value);
      if (body === undefined) {
        // A void method: ASMX writes nothing, not even a Content-Type.
        const headers: Record<string, string | readonly string[]> = {
          ...asmxAnswer(200, CONTENT_TYPES.xml, '').headers,
        };
        delete headers['Content-Type'];
        return { status: 200, headers, body: '', outcome: outcome.code };
      }
      return { ...asmxAnswer(200, CONTENT_TYPES.xml, body), outcome: outcome.code };
    }
    case 'fault':
      return plainException(`System.Web.Services.Protocols.SoapException: ${outcome.message}`, outcome.code);
    case 'exception':
      return plainException(`${outcome.type}: ${outcome.message}`, outcome.code);
    case 'refused':
      return plainError(outcome.error);
    case 'storeUnavailable': {
      const text = outcome.error.text;
      const answer =
        operation.result?.type.kind === 'xmlNode'
          ? asmxAnswer(
              503,
              CONTENT_TYPES.xml,
              `${XML_DECLARATION}\n${renderRoot(rootError(text).attributes ?? [], false)}`,
            )
          : asmxAnswer(503, CONTENT_TYPES.text, text);
      return { ...answer, outcome: outcome.code, headers: { ...answer.headers, 'Retry-After': '1' } };
    }
  }
}

function plainException(text: string, code: string): HttpAnswer {
  return { ...asmxAnswer(500, CONTENT_TYPES.text, htmlEncodeMessage(text)), outcome: code };
}
