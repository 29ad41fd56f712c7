import { TextDecoder } from 'node:util';
import type { OperationModel } from '../contract/model';
import { decodeFormArguments, type FormArgumentError } from '../codec/decodeFormArguments';
import { encodePlainBody } from '../codec/encodeResult';
import { asmxErrorText, htmlEncodeMessage } from './htmlEncode';
import { findDangerousValue, requestValidationMessage, type RequestCollection } from './requestValidation';
import type { Arguments } from '../codec/values';
import type { CallOutcome } from '../services/callOutcome';
import { rootError } from '../xml/rootElement';
import { DotNetTypes } from '../codec/dotnetException';
import { XML_DECLARATION, renderRoot } from '../xml/rootElement';
import {
  CONTENT_TYPES,
  ConstantAnswers,
  PRE_INVOKE_CACHE_CONTROL,
  asmxAnswer,
  plainError,
  type HttpAnswer,
} from './answer';
import { textDecoderFor } from './charset';
import { parseUrlEncoded } from './urlEncoded';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

const UTF8 = new TextDecoder('utf-8');

/** A parameter-reading failure, or ASP.NET's request validation refusing a value. */
export interface FormRefusal {
  readonly code: string;
  /** The text/plain body: the .NET exception, its messages HTML-encoded as ASMX writes them. */
  readonly body: string;
}

export type DecodedForm = { readonly args: Arguments } | { readonly error: FormRefusal };

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

/** ASP.NET validates every value of the collection when ASMX first reads it, before any parameter. */
function decode(
  operation: OperationModel,
  pairs: Array<[string, string]>,
  collection: RequestCollection,
  optional: ReadonlySet<string>,
): DecodedForm {
  const dangerous = findDangerousValue(pairs);
  if (dangerous) {
    return {
      error: {
        code: 'P_REQUEST_VALIDATION',
        body: asmxErrorText({
          type: DotNetTypes.requestValidation,
          message: requestValidationMessage(collection, dangerous.name, dangerous.value),
        }),
      },
    };
  }
  const read = decodeFormArguments(operation, pairs, optional);
  return 'args' in read ? read : { error: refusalOf(read.error) };
}

function refusalOf(error: FormArgumentError): FormRefusal {
  return { code: error.code, body: asmxErrorText(...error.exception) };
}

/** A parameter-reading failure: 500 text/plain with the .NET text, made before the method ran. */
export function formArgumentErrorAnswer(error: FormRefusal): HttpAnswer {
  const answer = asmxAnswer(500, CONTENT_TYPES.text, error.body);
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
  return (
    FORM_ANSWERS.get(operation, outcome) ??
    FORM_ANSWERS.keep(operation, outcome, encodeForm(operation, outcome))
  );
}

/** The answers of constant outcomes ([901], not implemented, store outages), encoded once per operation. */
const FORM_ANSWERS = new ConstantAnswers();

function encodeForm(operation: OperationModel, outcome: CallOutcome): HttpAnswer {
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
      return asmxAnswer(200, CONTENT_TYPES.xml, body, outcome.code);
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
  return asmxAnswer(500, CONTENT_TYPES.text, htmlEncodeMessage(text), code);
}
