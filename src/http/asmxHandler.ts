import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestSummary } from '../observability/requestSummary';
import contentType from 'content-type';
import { setTimeout as delay } from 'node:timers/promises';
import { faultEffect, type FaultInjector } from '../admin/faultBook';
import type { OperationModel } from '../contract/model';
import type { Arguments } from '../codec/values';
import { HttpLayerErrors, PlainErrors, ProtocolErrors, type PlainError } from '../errors/catalogue';
import { operationHelp, requestedOperation, serviceHelp } from '../help/helpPages';
import type { CallFacts } from '../services/answerer';
import type { CallOutcome } from '../services/callOutcome';
import { invoke, type AnsweredBy, type InvokeDependencies } from '../services/invoke';
import type { ServiceRuntime } from '../services/serviceRuntime';
import type { SignOut } from '../signout/signout';
import { CONTENT_TYPES, asmxAnswer, plainError, type HttpAnswer } from '../transports/answer';
import { ticketCookie } from '../transports/cookies';
import {
  FORM_CONTENT_TYPE,
  decodeHttpGet,
  decodeHttpPost,
  encodeFormOutcome,
  formArgumentErrorAnswer,
} from '../transports/httpForm';
import {
  decodeSoap,
  encodeSoapFault,
  encodeSoapOutcome,
  soapBadRequest,
} from '../transports/soap/soapAdapter';
import type { SoapVersion } from '../transports/soap/soapVersion';
import { soap11 } from '../transports/soap11';
import { soap12 } from '../transports/soap12';
import { renderDisco } from '../wsdl/disco';
import { markClosing } from './connectionHygiene';
import { BodyError, readBody } from './readBody';
import { serviceUrl } from './serviceUrl';

export interface AsmxHandlerOptions {
  readonly signOut: SignOut;
  readonly services: readonly ServiceRuntime[];
  readonly invoke: InvokeDependencies;
  readonly trustProxy: boolean;
  readonly maxBodyBytes: number;
  /** Told of every answered request, for logs and metrics. Must not throw. */
  readonly observe?: (event: RequestEvent) => void;
  /** Faults armed through the admin API, met by calls before they run. */
  readonly faults?: FaultInjector;
}

/**
 * The call inside a request, for the admin layer (journal, sessions): raw arguments and the
 * tickets it carried, which only the admin layer reads, and redacts.
 */
export interface CallRecord {
  readonly operation: OperationModel;
  readonly args: Arguments;
  readonly cookieTicket: string | undefined;
  outcome?: CallOutcome;
  /** The kind of the injected fault the call met. */
  fault?: string;
}

/** What one request was and how it ended; never the ticket or a password, except inside `call`. */
export interface RequestEvent extends RequestSummary {
  readonly req: IncomingMessage;
  /** Who answered the operation call (absent when none ran: a refused request, an injected fault). */
  readonly answeredBy?: AnsweredBy;
  /** The operation call, once decoded: for the admin layer only (it holds tickets and passwords). */
  readonly call?: CallRecord;
  /** The request body as read, and the answer sent: for shadow mode only (they hold tickets and passwords). */
  readonly requestBody?: Buffer;
  readonly answer?: HttpAnswer;
}

interface RequestRecord {
  service: string;
  transport: string;
  operation: string;
  answeredBy?: AnsweredBy;
  call?: CallRecord;
  requestBody?: Buffer;
}

/** Per-request notes (transport, operation) gathered on the way, read when the answer is sent. */
const records = new WeakMap<IncomingMessage, RequestRecord>();

function note(req: IncomingMessage, fields: Partial<RequestRecord>): void {
  const record = records.get(req);
  if (record) Object.assign(record, fields);
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The ASMX services as one node:http listener, and the test of which URLs belong to them. */
export interface AsmxHandler extends RequestListener {
  /** The service a URL belongs to: its path and everything below it (IIS matches paths case-insensitively). */
  serviceFor(url: string | undefined): ServiceRuntime | undefined;
}

interface MediaType {
  readonly type: string;
  readonly parameters: Readonly<Record<string, string | undefined>>;
}

interface MountedService {
  readonly runtime: ServiceRuntime;
  readonly lowerCasePath: string;
}

/** The service whose path the URL is, or is below (IIS matches paths case-insensitively). */
function matchService(
  services: readonly MountedService[],
  url: string | undefined,
): ServiceRuntime | undefined {
  if (!url) return undefined;
  for (const { runtime, lowerCasePath } of services) {
    if (isAtOrBelow(url, lowerCasePath)) return runtime;
  }
  return undefined;
}

/** Whether a request URL is the service path (lower-cased) or below it, as IIS matches paths: case-insensitively. */
export function isAtOrBelow(url: string, lowerCasePath: string): boolean {
  const length = lowerCasePath.length;
  if (url.slice(0, length).toLowerCase() !== lowerCasePath) return false;
  const next = url.charAt(length);
  return next === '' || next === '/' || next === '?';
}

/**
 * Serves the ASMX services: picks the service by path and the transport from the request (path,
 * verb, content type), lets the adapter decode, invokes the operation, lets the adapter encode.
 * Never throws: anything unexpected becomes the ASMX-shaped internal error of that transport.
 */
export function createAsmxHandler(options: AsmxHandlerOptions): AsmxHandler {
  const { signOut } = options;
  const services: MountedService[] = options.services.map((runtime) => ({
    runtime,
    lowerCasePath: runtime.path.toLowerCase(),
  }));

  /**
   * Invokes an operation and encodes its outcome. The call learns whether the CSRF guard lets a
   * cookie-only state change through; the answer gains the browser-flow headers.
   */
  async function run(
    req: IncomingMessage,
    service: ServiceRuntime,
    operation: OperationModel,
    args: Arguments,
    facts: CallFacts,
    encode: (outcome: CallOutcome) => HttpAnswer,
  ): Promise<HttpAnswer> {
    const call: CallRecord = { operation, args, cookieTicket: facts.cookieTicket };
    note(req, { call });
    // An armed fault the call meets answers instead of the operation, and changes nothing.
    const faults = options.faults;
    if (faults?.armed()) {
      const fault = await faults.take({
        service: service.path,
        operation: operation.name,
        transport: facts.transport,
      });
      if (fault) {
        call.fault = fault.fault;
        const effect = faultEffect(fault, operation.result?.type.kind === 'xmlNode');
        if (effect.effect === 'http-500') return plainError(PlainErrors.internal());
        if (effect.effect === 'reset') {
          req.socket.destroy();
          return plainError({ code: 'F_RESET_CONNECTION', status: 0, message: '' });
        }
        if (effect.effect === 'delay') await delay(effect.ms);
        else return signOut.decorate(req, (call.outcome = effect.outcome), encode(effect.outcome));
      }
    }
    const guarded: CallFacts = { ...facts, cookieOnlyAllowed: (ticket) => signOut.csrf.allows(req, ticket) };
    const answerers = service.answerers(operation);
    const { outcome, answeredBy } = await invoke(
      service.path,
      operation,
      answerers,
      args,
      guarded,
      options.invoke,
    );
    call.outcome = outcome;
    note(req, { answeredBy });
    let answer: HttpAnswer;
    try {
      answer = encode(outcome);
    } catch (error) {
      // A result its WSDL type cannot carry (a handler's or a stub's mistake): logged, then internal.
      options.invoke.onHandlerError(operation.name, error);
      throw error;
    }
    return signOut.decorate(req, outcome, answer);
  }

  async function serveSoap(
    req: IncomingMessage,
    service: ServiceRuntime,
    version: SoapVersion,
    media: MediaType,
  ): Promise<HttpAnswer> {
    note(req, { transport: version.transport });
    const body = await readBody(req, options.maxBodyBytes);
    if ('tooLarge' in body) return plainError(PlainErrors.bodyTooLarge());
    note(req, { requestBody: body.body });
    const cookie = ticketCookie(req.headers.cookie);
    const decoded = decodeSoap(
      version,
      {
        body: body.body,
        charset: media.parameters.charset,
        soapActionHeader: firstValue(req.headers.soapaction),
        contentTypeAction: media.parameters.action,
        cookieTicket: cookie,
      },
      service.model,
    );
    if ('error' in decoded) return encodeSoapFault(version, decoded.error);
    if ('badRequest' in decoded) return soapBadRequest(version);
    try {
      const { operation, args } = decoded;
      note(req, { operation: operation.name });
      return await run(
        req,
        service,
        operation,
        args,
        { transport: version.transport, cookieTicket: cookie },
        (outcome) => encodeSoapOutcome(version, operation, outcome),
      );
    } catch {
      return encodeSoapFault(version, ProtocolErrors.internal());
    }
  }

  async function serveServiceRoot(
    req: IncomingMessage,
    service: ServiceRuntime,
    query: string,
  ): Promise<HttpAnswer> {
    if (req.method === 'GET' || req.method === 'HEAD') {
      note(req, { transport: 'docs' });
      const url = serviceUrl(req, options.trustProxy, mountedServicePath(req, service.path));
      const directive = query.toLowerCase();
      const model = service.model;
      if (directive === 'wsdl') return asmxAnswer(200, CONTENT_TYPES.xml, model.renderWsdl(url));
      if (directive === 'disco') return asmxAnswer(200, CONTENT_TYPES.xml, renderDisco(model, url));
      // The help pages: `?op=<Operation>` is that operation's page and test form, else the list.
      const operationName = requestedOperation(query);
      if (operationName !== undefined) return operationHelp(model, operationName, url);
      return serviceHelp(model, url);
    }
    if (req.method !== 'POST') return plainError(PlainErrors.methodNotAllowed());
    const media = mediaType(req.headers['content-type']);
    if (media?.type === 'text/xml') return serveSoap(req, service, soap11, media);
    if (media?.type === 'application/soap+xml') return serveSoap(req, service, soap12, media);
    return plainError(PlainErrors.unsupportedMediaType());
  }

  async function serveOperationPath(
    req: IncomingMessage,
    service: ServiceRuntime,
    rest: string,
    query: string,
  ): Promise<HttpAnswer> {
    const name = rest.slice(1);
    const verb = req.method;
    // ASMX's HTTP protocols are GET and POST; HEAD runs no operation (IIS hands it to no protocol).
    if (name === '' || name.includes('/') || (verb !== 'GET' && verb !== 'POST')) {
      return plainError(PlainErrors.unrecognizedFormat(rest));
    }
    const isPost = verb === 'POST';
    const operation = service.model.byName.get(name);
    // An operation its WSDL leaves out of the HTTP binding is no method of that protocol for ASMX.
    if (
      !operation ||
      !operation.protocols.has(isPost ? 'httpPost' : 'httpGet') ||
      !service.httpReadable(operation)
    ) {
      const differentCase = operation ? undefined : service.model.byLowerCaseName.get(name.toLowerCase());
      return plainError(
        differentCase
          ? PlainErrors.wrongCaseMethod(name, differentCase.name)
          : PlainErrors.unknownMethod(name),
      );
    }
    const transport = isPost ? 'http-post' : 'http-get';
    note(req, { transport, operation: operation.name });
    const facts: CallFacts = { transport, cookieTicket: ticketCookie(req.headers.cookie) };
    const optional = service.optionalParameters(operation);
    const encode = (outcome: CallOutcome) => encodeFormOutcome(operation, outcome);
    if (!isPost) {
      const decoded = decodeHttpGet(operation, query, optional);
      if ('error' in decoded) return formArgumentErrorAnswer(decoded.error);
      return run(req, service, operation, decoded.args, facts, encode);
    }
    const media = mediaType(req.headers['content-type']);
    if (media?.type === 'application/json') return plainError(PlainErrors.scriptServiceOnly());
    if (media?.type !== FORM_CONTENT_TYPE) {
      return plainError(PlainErrors.requestFormatInvalid(req.headers['content-type'] ?? ''));
    }
    const body = await readBody(req, options.maxBodyBytes);
    if ('tooLarge' in body) return plainError(PlainErrors.bodyTooLarge());
    note(req, { requestBody: body.body });
    const decoded = decodeHttpPost(operation, body.body, media.parameters.charset, optional);
    if ('unsupportedCharset' in decoded) {
      return plainError(PlainErrors.requestFormatInvalid(req.headers['content-type'] ?? ''));
    }
    if ('error' in decoded) return formArgumentErrorAnswer(decoded.error);
    return run(req, service, operation, decoded.args, facts, encode);
  }

  function answer(req: IncomingMessage, service: ServiceRuntime): Promise<HttpAnswer> {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const query = queryAt < 0 ? '' : url.slice(queryAt + 1);
    const rest = path.slice(service.path.length);
    return rest === ''
      ? serveServiceRoot(req, service, query)
      : serveOperationPath(req, service, rest, query);
  }

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const service = matchService(services, req.url);
    const record: RequestRecord = { service: service?.path ?? '-', transport: 'asmx', operation: '-' };
    records.set(req, record);
    const answered = service ? answer(req, service) : Promise.resolve(plainError(PlainErrors.internal()));
    answered
      // A body that did not arrive whole is the client's doing, not an internal error.
      .catch((error: unknown): HttpAnswer =>
        plainError(
          error instanceof BodyError ? HttpLayerErrors.bodyFailed(error.failure) : PlainErrors.internal(),
        ),
      )
      .then((result) => {
        send(req, res, result);
        try {
          options.observe?.({
            req,
            ...record,
            outcome: result.outcome ?? 'page',
            status: result.status,
            durationMs: performance.now() - started,
            answer: result,
          });
        } catch {
          // Logs and metrics never undo an answer that is out (a done LogOut's included), nor
          // cut its keep-alive connection.
        }
      })
      .catch(() => res.destroy());
  }) as AsmxHandler;
  handler.serviceFor = (url) => matchService(services, url);
  return handler;
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
  // An injected reset-connection fault cut the connection: nothing to send.
  if (req.socket.destroyed) return;
  const body = Buffer.from(answer.body, 'utf8');
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': body.length });
  res.end(body);
  // A refused upload is not read to its end: once the answer is out the connection half-closes,
  // drains what the client still sends (bounded) and closes, so the client can read the answer.
  if (answer.headers.Connection === 'close') markClosing(req.socket);
}

/** The service path, behind the prefix an express app mounted the emulator's router at. */
function mountedServicePath(req: IncomingMessage, servicePath: string): string {
  const baseUrl = (req as IncomingMessage & { baseUrl?: string }).baseUrl;
  return `${baseUrl ?? ''}${servicePath}`;
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
