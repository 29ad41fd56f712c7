/**
 * What one recorded exchange was in the service model's terms: the operation, its typed arguments
 * (read as the emulator reads them: the same transports' decoders) and the ticket it carried.
 */
import contentType from 'content-type';
import type { OperationModel, ServiceModel } from '../contract/model';
import type { Arguments } from '../codec/values';
import { ticketParameter } from '../services/invoke';
import { SESSION_OPTIONAL_PARAMETERS } from '../services/sessionService';
import { ticketCookie } from '../transports/cookies';
import { decodeHttpGet, decodeHttpPost, FORM_CONTENT_TYPE } from '../transports/httpForm';
import { decodeSoap } from '../transports/soap/soapAdapter';
import { soap11 } from '../transports/soap11';
import { soap12 } from '../transports/soap12';

export interface RecordedRequest {
  readonly method: string;
  /** The path and query below the service path: `''`, `/GetDocumentInfo?path=…`. */
  readonly rest: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface DecodedCall {
  readonly transport: 'soap11' | 'soap12' | 'http-get' | 'http-post';
  readonly operation: OperationModel;
  readonly args: Arguments;
  /** The ticket the call carries (parameter, else the `ticket` cookie), for guarded operations. */
  readonly ticket: string | undefined;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function media(header: string | undefined): { type: string; parameters: Record<string, string> } | undefined {
  if (!header) return undefined;
  try {
    return contentType.parse(header);
  } catch {
    return undefined;
  }
}

/** The call a request makes, or undefined when the emulator would refuse it before any operation ran. */
export function decodeCall(model: ServiceModel, request: RecordedRequest): DecodedCall | undefined {
  const queryAt = request.rest.indexOf('?');
  const path = queryAt < 0 ? request.rest : request.rest.slice(0, queryAt);
  const query = queryAt < 0 ? '' : request.rest.slice(queryAt + 1);
  const cookie = ticketCookie(first(request.headers.cookie));
  const type = media(first(request.headers['content-type']));
  let decoded:
    { transport: DecodedCall['transport']; operation: OperationModel; args: Arguments } | undefined;
  if (
    path === '' &&
    request.method === 'POST' &&
    (type?.type === 'text/xml' || type?.type === 'application/soap+xml')
  ) {
    const version = type.type === 'text/xml' ? soap11 : soap12;
    const soap = decodeSoap(
      version,
      {
        body: request.body,
        charset: type.parameters.charset,
        soapActionHeader: first(request.headers.soapaction),
        contentTypeAction: type.parameters.action,
        cookieTicket: cookie,
      },
      model,
    );
    if ('operation' in soap)
      decoded = { transport: version.transport, operation: soap.operation, args: soap.args };
  } else if (path.startsWith('/') && (request.method === 'GET' || request.method === 'POST')) {
    const operation = model.byName.get(path.slice(1));
    const optional = new Set(SESSION_OPTIONAL_PARAMETERS[operation?.name ?? ''] ?? []);
    if (operation && request.method === 'GET' && operation.protocols.has('httpGet')) {
      const form = decodeHttpGet(operation, query, optional);
      if ('args' in form) decoded = { transport: 'http-get', operation, args: form.args };
    } else if (
      operation &&
      request.method === 'POST' &&
      operation.protocols.has('httpPost') &&
      type?.type === FORM_CONTENT_TYPE
    ) {
      const form = decodeHttpPost(operation, request.body, type.parameters.charset, optional);
      if ('args' in form) decoded = { transport: 'http-post', operation, args: form.args };
    }
  }
  if (!decoded) return undefined;
  const param = ticketParameter(decoded.operation);
  const given = param ? decoded.args[param.name] : undefined;
  const ticket = param ? (typeof given === 'string' && given !== '' ? given : cookie) : undefined;
  return { ...decoded, ticket };
}
