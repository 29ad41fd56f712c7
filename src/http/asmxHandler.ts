import type { IncomingMessage, ServerResponse } from 'node:http';
import contentType from 'content-type';
import { PlainTextErrors, ProtocolErrors } from '../errors/catalogue';
import { renderServicePage } from '../help/servicePage';
import type { OperationContext, OperationHandler, OperationInput } from '../operations/types';
import { CONTENT_TYPES, asmxAnswer, plainTextError, type HttpAnswer } from '../transports/answer';
import { ticketCookie } from '../transports/cookies';
import { decodeHttpGet } from '../transports/httpGet';
import { FORM_CONTENT_TYPE, decodeHttpPost } from '../transports/httpPost';
import { encodePlainXml } from '../transports/plainXml';
import { decodeSoap, encodeSoapFault, encodeSoapResponse } from '../transports/soap/soapAdapter';
import type { SoapVersion } from '../transports/soap/soapVersion';
import { soap11 } from '../transports/soap11';
import { soap12 } from '../transports/soap12';
import { renderDisco } from '../wsdl/disco';
import type { OperationDescription, ServiceDescription } from '../wsdl/serviceDescription';
import { readBody } from './readBody';
import { serviceUrl } from './serviceUrl';

export const SERVICE_PATH = '/srv.asmx';

export interface AsmxHandlerOptions {
  readonly service: ServiceDescription;
  readonly handlers: Readonly<Record<string, OperationHandler>>;
  readonly context: OperationContext;
  readonly trustProxy: boolean;
  readonly maxBodyBytes: number;
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** True for `/srv.asmx` and everything below it (IIS matches paths case-insensitively). */
export function isServicePath(url: string | undefined): boolean {
  if (!url) return false;
  const prefix = url.slice(0, SERVICE_PATH.length).toLowerCase();
  const next = url.charAt(SERVICE_PATH.length);
  return prefix === SERVICE_PATH && (next === '' || next === '/' || next === '?');
}

/**
 * Serves `/srv.asmx`: picks the transport from the request (path, verb, content type), lets the
 * adapter decode, runs the operation, lets the adapter encode. Never throws: anything unexpected
 * becomes the ASMX-shaped internal error of that transport.
 */
export function createAsmxHandler(options: AsmxHandlerOptions): RequestListener {
  const { service, handlers, context } = options;

  const run = (operation: OperationDescription, input: OperationInput) =>
    (handlers[operation.name] as OperationHandler)(input, context);

  async function serveSoap(
    req: IncomingMessage,
    version: SoapVersion,
    action: string | undefined,
  ): Promise<HttpAnswer> {
    const body = await readBody(req, options.maxBodyBytes);
    if ('tooLarge' in body) return tooLarge();
    const decoded = decodeSoap(
      version,
      {
        body: body.body.toString('utf8'),
        soapActionHeader: headerValue(req.headers.soapaction),
        contentTypeAction: action,
        cookieTicket: ticketCookie(req.headers.cookie),
      },
      service,
    );
    if ('error' in decoded) return encodeSoapFault(version, decoded.error);
    try {
      return encodeSoapResponse(
        version,
        service,
        decoded.operation,
        await run(decoded.operation, decoded.input),
      );
    } catch {
      return encodeSoapFault(version, ProtocolErrors.internal());
    }
  }

  async function serveServiceRoot(req: IncomingMessage, query: string): Promise<HttpAnswer> {
    if (req.method === 'GET' || req.method === 'HEAD') {
      const url = serviceUrl(req, options.trustProxy, SERVICE_PATH);
      const directive = query.toLowerCase();
      if (directive === 'wsdl') return asmxAnswer(200, CONTENT_TYPES.xml, service.renderWsdl(url));
      if (directive === 'disco') return asmxAnswer(200, CONTENT_TYPES.xml, renderDisco(service, url));
      return asmxAnswer(200, CONTENT_TYPES.html, renderServicePage(service));
    }
    if (req.method === 'POST') {
      const type = parseContentType(req.headers['content-type']);
      if (type?.type === 'text/xml') return serveSoap(req, soap11, undefined);
      if (type?.type === 'application/soap+xml') return serveSoap(req, soap12, type.parameters.action);
    }
    return plainTextError(PlainTextErrors.unrecognizedFormat(''));
  }

  async function serveOperationPath(req: IncomingMessage, rest: string, query: string): Promise<HttpAnswer> {
    const name = rest.slice(1);
    if (name === '' || name.includes('/')) return plainTextError(PlainTextErrors.unrecognizedFormat(rest));
    const operation = service.byName.get(name);
    if (!operation) {
      const differentCase = service.byLowerCaseName.get(name.toLowerCase());
      return plainTextError(
        differentCase
          ? PlainTextErrors.wrongCaseMethod(name, differentCase.name)
          : PlainTextErrors.unknownMethod(name),
      );
    }
    const cookie = ticketCookie(req.headers.cookie);
    if (req.method === 'GET' || req.method === 'HEAD') {
      return encodePlainXml(await run(operation, decodeHttpGet(operation, query, cookie)));
    }
    if (req.method === 'POST' && parseContentType(req.headers['content-type'])?.type === FORM_CONTENT_TYPE) {
      const body = await readBody(req, options.maxBodyBytes);
      if ('tooLarge' in body) return tooLarge();
      return encodePlainXml(await run(operation, decodeHttpPost(operation, body.body, cookie)));
    }
    return plainTextError(PlainTextErrors.unrecognizedFormat(rest));
  }

  async function answer(req: IncomingMessage): Promise<HttpAnswer> {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const query = queryAt < 0 ? '' : url.slice(queryAt + 1);
    const rest = path.slice(SERVICE_PATH.length);
    return rest === '' ? serveServiceRoot(req, query) : serveOperationPath(req, rest, query);
  }

  return (req, res) => {
    answer(req)
      .catch(() => plainTextError(PlainTextErrors.internal()))
      .then((result) => send(res, result))
      .catch(() => res.destroy());
  };
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  const body = Buffer.from(answer.body, 'utf8');
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': body.length });
  res.end(body);
}

function tooLarge(): HttpAnswer {
  return {
    status: 413,
    headers: { 'Content-Type': CONTENT_TYPES.text, Connection: 'close' },
    body: 'Request body too large.',
  };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseContentType(
  header: string | undefined,
): { type: string; parameters: Record<string, string | undefined> } | undefined {
  if (!header) return undefined;
  try {
    return contentType.parse(header);
  } catch {
    return undefined;
  }
}
