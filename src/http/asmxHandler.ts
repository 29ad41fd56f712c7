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
import { invoke, type AnsweredBy, type InvokeDependencies, type Invoked } from '../services/invoke';
import type { Transport } from '../services/handlerApi';
import type { ServiceRuntime } from '../services/serviceRuntime';
import type { SignOut } from '../signout/signout';
import { CONTENT_TYPES, asmxAnswer, plainError, wireAnswer, type HttpAnswer } from '../transports/answer';
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
import { BodyError, readBodyThen, type BodyResult } from './readBody';
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

/** Per-request notes (transport, operation) gathered on the way, read when the answer is sent. */
interface RequestRecord {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly started: number;
  /** Set once a SOAP call runs: what goes wrong from then on is that version's soap:Server fault. */
  soapVersion: SoapVersion | undefined;
  service: string;
  transport: string;
  operation: string;
  answeredBy: AnsweredBy | undefined;
  call: CallRecord | undefined;
  requestBody: Buffer | undefined;
}

/** An answer at once, or once the operation has answered. */
type Eventual = HttpAnswer | Promise<HttpAnswer>;
/**
 * Or {@link LATER}: the answer is sent by whoever waits for it (the body's last chunk, the
 * operation's promise), not by the caller.
 */
type Answered = Eventual | typeof LATER;
const LATER = Symbol('sent by whoever waits for the answer');

/** A SOAP request waiting for its body. */
interface SoapCall {
  readonly record: RequestRecord;
  readonly service: ServiceRuntime;
  readonly version: SoapVersion;
  readonly encode: OutcomeEncoder;
  readonly media: MediaType;
}

/** A form POST waiting for its body. */
interface FormPost {
  readonly record: RequestRecord;
  readonly service: ServiceRuntime;
  readonly operation: OperationModel;
  readonly media: MediaType;
  readonly facts: CallFacts;
  readonly optional: ReadonlySet<string>;
}

/** How a transport writes an operation's outcome. */
type OutcomeEncoder = (operation: OperationModel, outcome: CallOutcome) => HttpAnswer;

const encodeSoap11Outcome: OutcomeEncoder = (operation, outcome) =>
  encodeSoapOutcome(soap11, operation, outcome);
const encodeSoap12Outcome: OutcomeEncoder = (operation, outcome) =>
  encodeSoapOutcome(soap12, operation, outcome);

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
  if (url.length < length) return false;
  // Compared in place (this runs twice per request): ASCII letters fold here, anything else
  // (a non-ASCII path) takes the full toLowerCase comparison.
  for (let i = 0; i < length; i++) {
    const expected = lowerCasePath.charCodeAt(i);
    let code = url.charCodeAt(i);
    if (code === expected) continue;
    if (code >= 0x41 && code <= 0x5a) code |= 0x20;
    if (code === expected) continue;
    if (code >= 0x80 || expected >= 0x80) {
      if (url.slice(0, length).toLowerCase() !== lowerCasePath) return false;
      break;
    }
    return false;
  }
  const next = url.charCodeAt(length);
  // End of the URL (NaN), `/` or `?`.
  return Number.isNaN(next) || next === 0x2f || next === 0x3f;
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

  /** The transport's answer to an outcome; an outcome it cannot write is logged, then rethrown. */
  function encodeOutcome(
    operation: OperationModel,
    outcome: CallOutcome,
    encode: OutcomeEncoder,
  ): HttpAnswer {
    try {
      return encode(operation, outcome);
    } catch (error) {
      // A result its WSDL type cannot carry (a handler's or a stub's mistake): logged, then internal.
      options.invoke.onHandlerError(operation.name, error);
      throw error;
    }
  }

  /**
   * Invokes an operation and encodes its outcome. The call learns whether the CSRF guard lets a
   * cookie-only state change through; the answer gains the browser-flow headers. Synchronous
   * up to the operation; an operation that answers later has its answer sent from its own
   * promise, one step after it ({@link LATER}).
   */
  function run(
    req: IncomingMessage,
    record: RequestRecord,
    service: ServiceRuntime,
    operation: OperationModel,
    args: Arguments,
    facts: CallFacts,
    encode: OutcomeEncoder,
  ): Answered {
    const call: CallRecord = { operation, args, cookieTicket: facts.cookieTicket };
    record.call = call;
    // An armed fault the call meets answers instead of the operation, and changes nothing.
    if (options.faults?.armed()) return runWithFault(req, record, service, operation, args, facts, encode);
    const invoked = invokeCall(service, operation, args, facts);
    if (!(invoked instanceof Promise)) return completeCall(req, record, operation, encode, invoked);
    invoked.then(
      (done) => finishCall(req, record, operation, encode, done),
      (error: unknown) => finish(record, failedAnswer(record, error)),
    );
    return LATER;
  }

  function invokeCall(
    service: ServiceRuntime,
    operation: OperationModel,
    args: Arguments,
    facts: CallFacts,
  ): Invoked | Promise<Invoked> {
    return invoke(service.path, operation, service.answerers(operation), args, facts, options.invoke);
  }

  /** The answer to a call that has its outcome. */
  function completeCall(
    req: IncomingMessage,
    record: RequestRecord,
    operation: OperationModel,
    encode: OutcomeEncoder,
    { outcome, answeredBy }: Invoked,
  ): HttpAnswer {
    (record.call as CallRecord).outcome = outcome;
    record.answeredBy = answeredBy;
    return signOut.decorate(req, outcome, encodeOutcome(operation, outcome, encode));
  }

  /** Sends the answer to a call whose outcome came later. */
  function finishCall(
    req: IncomingMessage,
    record: RequestRecord,
    operation: OperationModel,
    encode: OutcomeEncoder,
    invoked: Invoked,
  ): void {
    let answer: HttpAnswer;
    try {
      answer = completeCall(req, record, operation, encode, invoked);
    } catch (error) {
      answer = failedAnswer(record, error);
    }
    finish(record, answer);
  }

  async function runWithFault(
    req: IncomingMessage,
    record: RequestRecord,
    service: ServiceRuntime,
    operation: OperationModel,
    args: Arguments,
    facts: CallFacts,
    encode: OutcomeEncoder,
  ): Promise<HttpAnswer> {
    const call = record.call as CallRecord;
    const fault = await (options.faults as FaultInjector).take({
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
      else {
        return signOut.decorate(req, (call.outcome = effect.outcome), encode(operation, effect.outcome));
      }
    }
    const invoked = invokeCall(service, operation, args, facts);
    return invoked instanceof Promise
      ? invoked.then((done) => completeCall(req, record, operation, encode, done))
      : completeCall(req, record, operation, encode, invoked);
  }

  /** The facts of a call: the CSRF guard's verdict is asked only when the guard is on. */
  function callFacts(
    req: IncomingMessage,
    transport: Transport,
    cookieTicket: string | undefined,
  ): CallFacts {
    return signOut.csrf.enabled
      ? { transport, cookieTicket, cookieOnlyAllowed: (ticket) => signOut.csrf.allows(req, ticket) }
      : { transport, cookieTicket };
  }

  function serveSoap(
    req: IncomingMessage,
    record: RequestRecord,
    service: ServiceRuntime,
    version: SoapVersion,
    encode: OutcomeEncoder,
    media: MediaType,
  ): typeof LATER {
    record.transport = version.transport;
    const call: SoapCall = { record, service, version, encode, media };
    readBodyThen(req, options.maxBodyBytes, call, soapBodyIn, bodyFailed);
    return LATER;
  }

  function soapBodyIn(call: SoapCall, body: BodyResult): void {
    answerBody(call, body, answerSoap);
  }

  function answerSoap({ record, service, version, encode, media }: SoapCall, body: BodyResult): Answered {
    if ('tooLarge' in body) return plainError(PlainErrors.bodyTooLarge());
    const { req } = record;
    record.requestBody = body.body;
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
    const { operation, args } = decoded;
    record.operation = operation.name;
    // From here on, what goes wrong is ASMX's soap:Server fault (see failedAnswer).
    record.soapVersion = version;
    return run(req, record, service, operation, args, callFacts(req, version.transport, cookie), encode);
  }

  function serveServiceRoot(
    req: IncomingMessage,
    record: RequestRecord,
    service: ServiceRuntime,
    query: string,
  ): Answered {
    if (req.method === 'GET' || req.method === 'HEAD') {
      record.transport = 'docs';
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
    if (media?.type === 'text/xml') {
      return serveSoap(req, record, service, soap11, encodeSoap11Outcome, media);
    }
    if (media?.type === 'application/soap+xml') {
      return serveSoap(req, record, service, soap12, encodeSoap12Outcome, media);
    }
    return plainError(PlainErrors.unsupportedMediaType());
  }

  function serveOperationPath(
    req: IncomingMessage,
    record: RequestRecord,
    service: ServiceRuntime,
    rest: string,
    query: string,
  ): Answered {
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
    record.transport = transport;
    record.operation = operation.name;
    const facts = callFacts(req, transport, ticketCookie(req.headers.cookie));
    const optional = service.optionalParameters(operation);
    if (!isPost) {
      const decoded = decodeHttpGet(operation, query, optional);
      if ('error' in decoded) return formArgumentErrorAnswer(decoded.error);
      return run(req, record, service, operation, decoded.args, facts, encodeFormOutcome);
    }
    const media = mediaType(req.headers['content-type']);
    if (media?.type === 'application/json') return plainError(PlainErrors.scriptServiceOnly());
    if (media?.type !== FORM_CONTENT_TYPE) {
      return plainError(PlainErrors.requestFormatInvalid(req.headers['content-type'] ?? ''));
    }
    return servePost(req, record, service, operation, media, facts, optional);
  }

  function servePost(
    req: IncomingMessage,
    record: RequestRecord,
    service: ServiceRuntime,
    operation: OperationModel,
    media: MediaType,
    facts: CallFacts,
    optional: ReadonlySet<string>,
  ): typeof LATER {
    const post: FormPost = { record, service, operation, media, facts, optional };
    readBodyThen(req, options.maxBodyBytes, post, formBodyIn, bodyFailed);
    return LATER;
  }

  function formBodyIn(post: FormPost, body: BodyResult): void {
    answerBody(post, body, answerPost);
  }

  /** Answers a request whose body is in; never throws (it runs inside the request's events). */
  function answerBody<W extends { readonly record: RequestRecord }>(
    waiting: W,
    body: BodyResult,
    answerWith: (waiting: W, body: BodyResult) => Answered,
  ): void {
    let answered: Answered;
    try {
      answered = answerWith(waiting, body);
    } catch (error) {
      answered = failedAnswer(waiting.record, error);
    }
    deliver(waiting.record, answered);
  }

  function answerPost(
    { record, service, operation, media, facts, optional }: FormPost,
    body: BodyResult,
  ): Answered {
    if ('tooLarge' in body) return plainError(PlainErrors.bodyTooLarge());
    record.requestBody = body.body;
    const decoded = decodeHttpPost(operation, body.body, media.parameters.charset, optional);
    if ('unsupportedCharset' in decoded) {
      return plainError(PlainErrors.requestFormatInvalid(record.req.headers['content-type'] ?? ''));
    }
    if ('error' in decoded) return formArgumentErrorAnswer(decoded.error);
    return run(record.req, record, service, operation, decoded.args, facts, encodeFormOutcome);
  }

  function bodyFailed(waiting: { readonly record: RequestRecord }, error: BodyError): void {
    deliver(waiting.record, failedAnswer(waiting.record, error));
  }

  function answer(req: IncomingMessage, record: RequestRecord, service: ServiceRuntime): Answered {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const query = queryAt < 0 ? '' : url.slice(queryAt + 1);
    const rest = path.slice(service.path.length);
    return rest === ''
      ? serveServiceRoot(req, record, service, query)
      : serveOperationPath(req, record, service, rest, query);
  }

  /** Sends the answer once it is there. */
  function deliver(record: RequestRecord, answered: Answered): void {
    if (answered === LATER) return;
    // An answer known at once is sent at once: no promise, no microtask.
    if (!(answered instanceof Promise)) return finish(record, answered);
    answered.then(
      (result) => finish(record, result),
      (error: unknown) => finish(record, failedAnswer(record, error)),
    );
  }

  /** Sends the answer, then tells the observer. */
  function finish(record: RequestRecord, result: HttpAnswer): void {
    const { req, res } = record;
    try {
      send(req, res, result);
    } catch {
      res.destroy();
      return;
    }
    try {
      options.observe?.({
        req,
        service: record.service,
        transport: record.transport,
        operation: record.operation,
        answeredBy: record.answeredBy,
        call: record.call,
        requestBody: record.requestBody,
        outcome: result.outcome ?? 'page',
        status: result.status,
        durationMs: performance.now() - record.started,
        answer: result,
      });
    } catch {
      // Logs and metrics never undo an answer that is out (a done LogOut's included), nor
      // cut its keep-alive connection.
    }
  }

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const service = matchService(services, req.url);
    const record: RequestRecord = {
      req,
      res,
      started,
      soapVersion: undefined,
      service: service?.path ?? '-',
      transport: 'asmx',
      operation: '-',
      answeredBy: undefined,
      call: undefined,
      requestBody: undefined,
    };
    let answered: Answered;
    try {
      answered = service ? answer(req, record, service) : plainError(PlainErrors.internal());
    } catch (error) {
      answered = failedAnswer(record, error);
    }
    deliver(record, answered);
  }) as AsmxHandler;
  handler.serviceFor = (url) => matchService(services, url);
  return handler;
}

/**
 * What an error that escaped becomes: a body that did not arrive whole is the client's doing, not
 * an internal error; once a SOAP call runs, ASMX answers anything unexpected with its soap:Server
 * fault; anything else is the generic internal error.
 */
function failedAnswer(record: RequestRecord, error: unknown): HttpAnswer {
  if (error instanceof BodyError) return plainError(HttpLayerErrors.bodyFailed(error.failure));
  if (record.soapVersion) return encodeSoapFault(record.soapVersion, ProtocolErrors.internal());
  return plainError(PlainErrors.internal());
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
  const wire = wireAnswer(answer);
  res.writeHead(answer.status, wire.headers);
  res.end(wire.body);
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

/** Parsed Content-Types by header text (null: not parseable): clients send the same few over and over. Bounded. */
const mediaTypes = new Map<string, MediaType | null>();

function mediaType(header: string | undefined): MediaType | undefined {
  if (!header) return undefined;
  // One lookup: hashing the header, a new string every request, is most of its cost.
  const known = mediaTypes.get(header);
  if (known !== undefined) return known ?? undefined;
  let parsed: MediaType | null;
  try {
    const { type, parameters } = contentType.parse(header);
    parsed = { type, parameters };
  } catch {
    parsed = null;
  }
  if (mediaTypes.size >= 256) mediaTypes.clear();
  mediaTypes.set(header, parsed);
  return parsed ?? undefined;
}
