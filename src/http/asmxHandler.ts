import type { IncomingMessage, ServerResponse } from 'node:http';
import contentType from 'content-type';
import { PlainErrors, ProtocolErrors, type PlainError } from '../errors/catalogue';
import { runOperation, ticketFromCookie } from '../operations/shared';
import type { SignOut } from '../signout/signout';
import { operationHelp, requestedOperation, serviceHelp } from '../help/helpPages';
import type {
  OperationContext,
  OperationHandler,
  OperationInput,
  OperationOutcome,
} from '../operations/types';
import { CONTENT_TYPES, asmxAnswer, plainError, type HttpAnswer } from '../transports/answer';
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
  readonly signOut: SignOut;
  readonly service: ServiceDescription;
  readonly handlers: Readonly<Record<string, OperationHandler>>;
  readonly context: OperationContext;
  readonly trustProxy: boolean;
  readonly maxBodyBytes: number;
  /** Told of every answered request, for logs and metrics. Must not throw. */
  readonly observe?: (event: RequestEvent) => void;
}

/** What one request was and how it ended; never the ticket or a password. */
export interface RequestEvent {
  readonly req: IncomingMessage;
  readonly transport: string;
  readonly operation: string;
  readonly outcome: string;
  readonly status: number;
  readonly durationMs: number;
}

interface RequestRecord {
  transport: string;
  operation: string;
}

/** Per-request notes (transport, operation) gathered on the way, read when the answer is sent. */
const records = new WeakMap<IncomingMessage, RequestRecord>();

function note(req: IncomingMessage, fields: Partial<RequestRecord>): void {
  const record = records.get(req);
  if (record) Object.assign(record, fields);
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** True for `/srv.asmx` and everything below it (IIS matches paths case-insensitively). */
export function isServicePath(url: string | undefined): boolean {
  if (!url) return false;
  const prefix = url.slice(0, SERVICE_PATH.length).toLowerCase();
  const next = url.charAt(SERVICE_PATH.length);
  return prefix === SERVICE_PATH && (next === '' || next === '/' || next === '?');
}

interface MediaType {
  readonly type: string;
  readonly parameters: Readonly<Record<string, string | undefined>>;
}

/**
 * Serves `/srv.asmx`: picks the transport from the request (path, verb, content type), lets the
 * adapter decode, runs the operation, lets the adapter encode. Never throws: anything unexpected
 * becomes the ASMX-shaped internal error of that transport, with no detail.
 */
export function createAsmxHandler(options: AsmxHandlerOptions): RequestListener {
  const { service, handlers, context } = options;

  const { signOut } = options;

  /**
   * Runs an operation and encodes its outcome. A LogOut authenticated only by the ticket cookie
   * passes the CSRF guard first (when it is on); the answer gains the browser-flow headers.
   */
  async function run(
    req: IncomingMessage,
    operation: OperationDescription,
    input: OperationInput,
    encode: (outcome: OperationOutcome) => HttpAnswer,
  ): Promise<HttpAnswer> {
    const cookieOnly = operation.name === 'LogOut' && ticketFromCookie(input, 'AuthenticationTicket');
    if (cookieOnly && !signOut.csrf.allows(req, input.cookieTicket as string)) {
      return plainError(PlainErrors.csrfRefused());
    }
    const outcome = await runOperation(handlers[operation.name] as OperationHandler, input, context);
    return signOut.decorate(req, outcome, encode(outcome));
  }

  async function serveSoap(
    req: IncomingMessage,
    version: SoapVersion,
    media: MediaType,
  ): Promise<HttpAnswer> {
    note(req, { transport: version.transport });
    const body = await readBody(req, options.maxBodyBytes);
    if ('tooLarge' in body) return plainError(PlainErrors.bodyTooLarge());
    const decoded = decodeSoap(
      version,
      {
        body: body.body,
        charset: media.parameters.charset,
        soapActionHeader: firstValue(req.headers.soapaction),
        contentTypeAction: media.parameters.action,
        cookieTicket: ticketCookie(req.headers.cookie),
      },
      service,
    );
    if ('error' in decoded) return encodeSoapFault(version, decoded.error);
    try {
      const { operation, input } = decoded;
      note(req, { operation: operation.name });
      return await run(req, operation, input, (outcome) =>
        encodeSoapResponse(version, service, operation, outcome),
      );
    } catch {
      return encodeSoapFault(version, ProtocolErrors.internal());
    }
  }

  async function serveServiceRoot(req: IncomingMessage, query: string): Promise<HttpAnswer> {
    if (req.method === 'GET' || req.method === 'HEAD') {
      note(req, { transport: 'docs' });
      const url = serviceUrl(req, options.trustProxy, mountedServicePath(req));
      const directive = query.toLowerCase();
      if (directive === 'wsdl') return asmxAnswer(200, CONTENT_TYPES.xml, service.renderWsdl(url));
      if (directive === 'disco') return asmxAnswer(200, CONTENT_TYPES.xml, renderDisco(service, url));
      // The help pages: `?op=<Operation>` is that operation's page and test form, else the list.
      const operationName = requestedOperation(query);
      if (operationName !== undefined) return operationHelp(service, operationName, url);
      return serviceHelp(service, url);
    }
    if (req.method !== 'POST') return plainError(PlainErrors.methodNotAllowed());
    const media = mediaType(req.headers['content-type']);
    if (media?.type === 'text/xml') return serveSoap(req, soap11, media);
    if (media?.type === 'application/soap+xml') return serveSoap(req, soap12, media);
    return plainError(PlainErrors.unsupportedMediaType());
  }

  async function serveOperationPath(req: IncomingMessage, rest: string, query: string): Promise<HttpAnswer> {
    const name = rest.slice(1);
    const verb = req.method;
    if (name === '' || name.includes('/') || (verb !== 'GET' && verb !== 'HEAD' && verb !== 'POST')) {
      return plainError(PlainErrors.unrecognizedFormat(rest));
    }
    const operation = service.byName.get(name);
    if (!operation) {
      const differentCase = service.byLowerCaseName.get(name.toLowerCase());
      return plainError(
        differentCase
          ? PlainErrors.wrongCaseMethod(name, differentCase.name)
          : PlainErrors.unknownMethod(name),
      );
    }
    note(req, { transport: verb === 'POST' ? 'http-post' : 'http-get', operation: operation.name });
    const cookie = ticketCookie(req.headers.cookie);
    if (verb !== 'POST') return run(req, operation, decodeHttpGet(operation, query, cookie), encodePlainXml);

    const media = mediaType(req.headers['content-type']);
    if (media?.type === 'application/json') return plainError(PlainErrors.scriptServiceOnly());
    if (media?.type !== FORM_CONTENT_TYPE) {
      return plainError(PlainErrors.requestFormatInvalid(req.headers['content-type'] ?? ''));
    }
    const body = await readBody(req, options.maxBodyBytes);
    if ('tooLarge' in body) return plainError(PlainErrors.bodyTooLarge());
    const input = decodeHttpPost(operation, body.body, media.parameters.charset, cookie);
    if ('unsupportedCharset' in input) {
      return plainError(PlainErrors.requestFormatInvalid(req.headers['content-type'] ?? ''));
    }
    return run(req, operation, input, encodePlainXml);
  }

  function answer(req: IncomingMessage): Promise<HttpAnswer> {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const query = queryAt < 0 ? '' : url.slice(queryAt + 1);
    const rest = path.slice(SERVICE_PATH.length);
    return rest === '' ? serveServiceRoot(req, query) : serveOperationPath(req, rest, query);
  }

  return (req, res) => {
    const started = performance.now();
    const record: RequestRecord = { transport: 'asmx', operation: '-' };
    records.set(req, record);
    answer(req)
      .catch((): HttpAnswer => plainError(PlainErrors.internal()))
      .then((result) => {
        send(req, res, result);
        options.observe?.({
          req,
          ...record,
          outcome: result.outcome ?? 'page',
          status: result.status,
          durationMs: performance.now() - started,
        });
      })
      .catch(() => res.destroy());
  };
}

/** Answers a request before its body was read (an oversized `Expect: 100-continue` upload). */
export function refuseBody(
  req: IncomingMessage,
  res: ServerResponse,
  error: PlainError = PlainErrors.bodyTooLarge(),
): void {
  send(req, res, plainError(error));
}

function send(req: IncomingMessage, res: ServerResponse, answer: HttpAnswer): void {
  const body = Buffer.from(answer.body, 'utf8');
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': body.length });
  res.end(body);
  // A refused upload is not read to its end: the connection closes once the answer is out.
  if (answer.headers.Connection === 'close') res.once('finish', () => req.destroy());
}

/** `/srv.asmx`, behind the prefix an express app mounted the emulator's router at. */
function mountedServicePath(req: IncomingMessage): string {
  const baseUrl = (req as IncomingMessage & { baseUrl?: string }).baseUrl;
  return `${baseUrl ?? ''}${SERVICE_PATH}`;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Parsed Content-Types by header text: clients send the same few over and over. Bounded. */
const mediaTypes = new Map<string, MediaType | undefined>();

function mediaType(header: string | undefined): MediaType | undefined {
  if (!header) return undefined;
  if (mediaTypes.has(header)) return mediaTypes.get(header);
  let parsed: MediaType | undefined;
  try {
    const { type, parameters } = contentType.parse(header);
    parsed = { type, parameters };
  } catch {
    parsed = undefined;
  }
  if (mediaTypes.size >= 256) mediaTypes.clear();
  mediaTypes.set(header, parsed);
  return parsed;
}
