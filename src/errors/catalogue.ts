import { CSRF_REFUSAL } from '../signout/csrf';

/**
 * The one catalogue of failures. Every failure the emulator can report has a stable code here;
 * the transports decide only how a given entry is shaped on the wire.
 *
 * - `domain` errors are answers of the service itself: ASMX sends them as
 *   `<root success="false" error="..."/>` with status 200 on every transport.
 * - `protocol` errors are the .NET Framework's own refusals (faults, text/plain 500s).
 */
export const DomainErrors = {
  AUTHENTICATION_FAILED: { code: 'E900', text: '[900] Authentication failed' },
  INVALID_TICKET: { code: 'E901', text: '[901] Session expired or Invalid ticket' },
  TICKET_NOT_ALLOWED: { code: 'E902', text: '[902] Ticket generation are not allowed for this user.' },
  INVALID_TICKET_FORMAT: { code: 'E_TICKET_FORMAT', text: 'invalid ticket format' },
  /**
   * The emulator's own code, not the reference server's: the ticket store cannot be reached, so
   * nothing happened. Never a false success, never a false [901]. Sent with 503 over GET/POST.
   */
  STORE_UNAVAILABLE: { code: 'E903', text: '[903] Ticket store unavailable, nothing was changed; try again' },
  /**
   * The emulator's own code: the ticket store took the command but did not answer in time, so
   * the change (a LogOut, a new ticket) may have been made. A client that retries gets the true
   * state ([901] after a LogOut that did happen). Sent with 503 over GET/POST.
   */
  STORE_OUTCOME_UNKNOWN: {
    code: 'E904',
    text: '[904] Ticket store did not answer in time; the change may have been made; check before retrying',
  },
} as const;

export type DomainError = (typeof DomainErrors)[keyof typeof DomainErrors];

/** SOAP fault codes as ASMX names them, per SOAP version. */
export type FaultCode = 'Client' | 'Server' | 'VersionMismatch' | 'MustUnderstand';

export interface ProtocolError {
  /** Stable code for logs and metrics. */
  readonly code: string;
  readonly status: number;
  readonly fault: FaultCode;
  readonly message: string;
  /** Made before the method ran (ASMX then sends `Cache-Control: private` only). */
  readonly preInvoke?: boolean;
}

/** .NET's message for a document type declaration under XmlTextReader's prohibition. */
const DTD_PROHIBITED = 'DTD is prohibited in this XML document.';

/**
 * SOAP refusals, shaped as faults by the SOAP version of the request. Status 500 as ASMX sends
 * faults. The texts are the .NET Framework's; ASMX appends a stack trace, the emulator never does.
 */
export const ProtocolErrors = {
  unknownSoapAction: (action: string): ProtocolError => ({
    code: 'P_SOAP_ACTION_UNKNOWN',
    status: 500,
    fault: 'Client',
    message: `System.Web.Services.Protocols.SoapException: Server did not recognize the value of HTTP Header SOAPAction: ${action}.`,
    preInvoke: true,
  }),
  missingSoapAction: (): ProtocolError => ({
    code: 'P_SOAP_ACTION_MISSING',
    status: 500,
    fault: 'Client',
    message: 'Unable to handle request without a valid action parameter. Please supply a valid soap action.',
    preInvoke: true,
  }),
  unknownSoap12Action: (action: string): ProtocolError => ({
    code: 'P_SOAP12_ACTION_UNKNOWN',
    status: 500,
    fault: 'Client',
    message: `Unable to handle request. The action '${action}' was not recognized.`,
    preInvoke: true,
  }),
  /** `line, column` as XmlReader counts them; (0, 0) where the position is not known. */
  unreadableXml: (line: number, column: number, detail: string): ProtocolError => ({
    code: 'P_XML_MALFORMED',
    status: 500,
    fault: 'Client',
    message: `Server was unable to read request. ---> There is an error in XML document (${line}, ${column}). ---> ${detail}`,
    preInvoke: true,
  }),
  /** XmlSerializer could not convert an argument's text: the reader's position after the element, then the .NET exception. */
  unreadableArgument: (line: number, column: number, inner: string): ProtocolError => ({
    code: 'P_ARGUMENT_UNREADABLE',
    status: 500,
    fault: 'Client',
    message: `System.Web.Services.Protocols.SoapException: Server was unable to read request. ---> System.InvalidOperationException: There is an error in XML document (${line}, ${column}). ---> ${inner}`,
    preInvoke: true,
  }),
  dtdProhibited: (line: number, column: number): ProtocolError => ({
    ...ProtocolErrors.unreadableXml(line, column, DTD_PROHIBITED),
    code: 'P_XML_DTD',
  }),
  tooDeep: (limit: number): ProtocolError => ({
    ...ProtocolErrors.unreadableXml(0, 0, `The XML document is nested deeper than ${limit} elements.`),
    code: 'P_XML_TOO_DEEP',
  }),
  unsupportedEncoding: (label: string): ProtocolError => ({
    ...ProtocolErrors.unreadableXml(0, 0, `System does not support '${label}' encoding.`),
    code: 'P_XML_ENCODING_UNSUPPORTED',
  }),
  invalidEncoding: (label: string): ProtocolError => ({
    ...ProtocolErrors.unreadableXml(0, 0, `Invalid character in the given encoding (${label}).`),
    code: 'P_XML_ENCODING_INVALID',
  }),
  /** An envelope without a Body: SoapServerProtocol cannot find the request element. */
  missingBody: (): ProtocolError => ({
    code: 'P_SOAP_BODY_MISSING',
    status: 500,
    fault: 'Client',
    message:
      'System.Web.Services.Protocols.SoapException: Server was unable to read request. ---> System.InvalidOperationException: Request format is invalid: Missing required soap:Body element.',
    preInvoke: true,
  }),
  /** A header the client marked mustUnderstand: ASMX understands only headers a method declares (none here). */
  headerNotUnderstood: (header: string): ProtocolError => ({
    code: 'P_SOAP_MUST_UNDERSTAND',
    status: 500,
    fault: 'MustUnderstand',
    message: `System.Web.Services.Protocols.SoapHeaderException: SOAP header ${header} was not understood.`,
    preInvoke: true,
  }),
  versionMismatch: (found: string, expected: string): ProtocolError => ({
    code: 'P_SOAP_VERSION_MISMATCH',
    status: 500,
    fault: 'VersionMismatch',
    message: `Possible SOAP version mismatch: Envelope namespace ${found} was unexpected. Expecting ${expected}.`,
    preInvoke: true,
  }),
  storeUnavailable: (error: DomainError = DomainErrors.STORE_UNAVAILABLE): ProtocolError => ({
    code: error === DomainErrors.STORE_UNAVAILABLE ? 'P_STORE_UNAVAILABLE' : 'P_STORE_OUTCOME_UNKNOWN',
    status: 500,
    fault: 'Server',
    message: `Server was unable to process request. ---> ${error.text}`,
  }),
  internal: (): ProtocolError => ({
    code: 'P_INTERNAL',
    status: 500,
    fault: 'Server',
    message: 'Server was unable to process request. ---> An internal error occurred.',
  }),
} as const;

/** A refusal outside SOAP: ASMX's HTTP GET/POST handler and the HTTP layer in front of it. */
export interface PlainError {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  /** ASMX answers these with no body at all, only the status. */
  readonly emptyBody?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  /** Made before the method ran (ASMX then sends `Cache-Control: private` only). */
  readonly preInvoke?: boolean;
  /**
   * Made in front of ASP.NET (http.sys, IIS request filtering): a bare `text/plain` answer without
   * the ASP.NET headers; the connection closes after it (see connectionHygiene.ts).
   */
  readonly httpLayer?: boolean;
}

/** How a request body failed to arrive whole (see readBody). */
export type BodyFailure = 'aborted' | 'malformed' | 'timeout';

const HTTP_LAYER = { httpLayer: true, headers: { Connection: 'close' } } as const;
const BAD_REQUEST = 'HTTP Error 400. The request is badly formed.';

/**
 * Refusals of the HTTP layer in front of ASP.NET. The texts are those of http.sys's error pages
 * (400, 414) and of IIS's detailed request-filtering errors (404.14, 404.15), sent as one line of
 * `text/plain`; the others (408, 431, 501) are worded alike.
 */
export const HttpLayerErrors = {
  /** More than one Host header (RFC 9112 §3.2): which host is meant is anyone's guess. */
  hostDuplicate: (): PlainError => ({
    code: 'P_HOST_DUPLICATE',
    status: 400,
    message: 'HTTP Error 400. The request hostname is invalid.',
    ...HTTP_LAYER,
  }),
  /** A transfer coding other than plain `chunked` (RFC 9112 §6.1): 501, never served. */
  transferCodingUnsupported: (): PlainError => ({
    code: 'P_TRANSFER_CODING_UNSUPPORTED',
    status: 501,
    message: 'HTTP Error 501. The request transfer coding is not supported.',
    ...HTTP_LAYER,
  }),
  /** A request line over http.sys's 16 KB, or unfinished when the head passed MAX_HEADER_BYTES. */
  uriTooLong: (): PlainError => ({
    code: 'P_URI_TOO_LONG',
    status: 414,
    message: 'HTTP Error 414. The request URL is too long.',
    ...HTTP_LAYER,
  }),
  /** IIS request filtering, `maxUrl` (4096 by default): substatus 404.14. */
  urlTooLong: (): PlainError => ({
    code: 'P_URL_TOO_LONG',
    status: 404,
    message:
      'HTTP Error 404.14 - Not Found. The request filtering module is configured to deny a request where the URL is too long.',
    ...HTTP_LAYER,
  }),
  /** IIS request filtering, `maxQueryString` (2048 by default): substatus 404.15. */
  queryStringTooLong: (): PlainError => ({
    code: 'P_QUERY_STRING_TOO_LONG',
    status: 404,
    message:
      'HTTP Error 404.15 - Not Found. The request filtering module is configured to deny a request where the query string is too long.',
    ...HTTP_LAYER,
  }),
  /** Request line and headers over MAX_HEADER_BYTES. */
  headersTooLarge: (): PlainError => ({
    code: 'P_HEADERS_TOO_LARGE',
    status: 431,
    message: 'HTTP Error 431. The size of the request headers is too long.',
    ...HTTP_LAYER,
  }),
  /** Not HTTP/1.x as the parser reads it (or a head cut off by a half-close). */
  badRequest: (): PlainError => ({ code: 'P_BAD_REQUEST', status: 400, message: BAD_REQUEST, ...HTTP_LAYER }),
  /** Headers (or the whole request) not in within HEADERS_TIMEOUT_MS (REQUEST_TIMEOUT_MS). */
  requestTimeout: (): PlainError => ({
    code: 'P_REQUEST_TIMEOUT',
    status: 408,
    message: 'HTTP Error 408. The request timed out.',
    ...HTTP_LAYER,
  }),
  /** The body stopped short: the client went away or half-closed before sending all of it. */
  bodyAborted: (): PlainError => ({
    code: 'P_BODY_ABORTED',
    status: 400,
    message: BAD_REQUEST,
    ...HTTP_LAYER,
  }),
  /** The chunked framing of the body is broken. */
  bodyMalformed: (): PlainError => ({
    code: 'P_BODY_MALFORMED',
    status: 400,
    message: BAD_REQUEST,
    ...HTTP_LAYER,
  }),
  bodyFailed: (failure: BodyFailure): PlainError =>
    failure === 'aborted'
      ? HttpLayerErrors.bodyAborted()
      : failure === 'malformed'
        ? HttpLayerErrors.bodyMalformed()
        : HttpLayerErrors.requestTimeout(),
} as const;

export const PlainErrors = {
  unknownMethod: (name: string): PlainError => ({
    code: 'P_METHOD_UNKNOWN',
    status: 500,
    message: `System.InvalidOperationException: ${name} Web Service method name is not valid.`,
    preInvoke: true,
  }),
  wrongCaseMethod: (name: string, actual: string): PlainError => ({
    code: 'P_METHOD_CASE',
    status: 500,
    message: `System.ArgumentException: Invalid method name '${name}', method names are case sensitive. The method name '${actual}' with the same name but different casing was found.`,
    preInvoke: true,
  }),
  /** No protocol for this path and verb, e.g. `PUT /srv.asmx/LogOut` or `/srv.asmx/a/b`. */
  unrecognizedFormat: (rest: string): PlainError => ({
    code: 'P_FORMAT_UNRECOGNIZED',
    status: 500,
    message: `System.InvalidOperationException: Request format is unrecognized for URL unexpectedly ending in '${rest}'.`,
    preInvoke: true,
  }),
  /** A POST to an operation whose body is not a form. */
  requestFormatInvalid: (contentType: string): PlainError => ({
    code: 'P_FORMAT_INVALID',
    status: 500,
    message: `System.InvalidOperationException: Request format is invalid: ${contentType}.`,
    preInvoke: true,
  }),
  /** A JSON POST: ASMX hands it to the script handler, which serves [ScriptService] classes only. */
  scriptServiceOnly: (): PlainError => ({
    code: 'P_SCRIPT_SERVICE_ONLY',
    status: 500,
    message:
      'System.InvalidOperationException: Only Web services with a [ScriptService] attribute on the class definition can be called from script.',
    preInvoke: true,
  }),
  /** Other verbs on `/srv.asmx` itself: IIS's handler mapping allows GET, HEAD and POST only. */
  methodNotAllowed: (): PlainError => ({
    code: 'P_METHOD_NOT_ALLOWED',
    status: 405,
    message: 'Request format is unrecognized.',
    headers: { Allow: 'GET, HEAD, POST' },
  }),
  /** A POST to `/srv.asmx` that is not SOAP: ASMX's SOAP handler answers 415 with an empty body. */
  unsupportedMediaType: (): PlainError => ({
    code: 'P_MEDIA_TYPE_UNSUPPORTED',
    status: 415,
    message: '',
    emptyBody: true,
  }),
  /** The CSRF guard (off unless configured) refused a cookie-authenticated state change. */
  csrfRefused: (): PlainError => ({
    code: 'P_CSRF_REFUSED',
    status: 403,
    message: CSRF_REFUSAL,
  }),
  bodyTooLarge: (): PlainError => ({
    code: 'P_BODY_TOO_LARGE',
    status: 413,
    message: 'Maximum request length exceeded.',
    headers: { Connection: 'close' },
  }),
  internal: (): PlainError => ({
    code: 'P_INTERNAL',
    status: 500,
    message: 'System.InvalidOperationException: An internal error occurred.',
  }),
  /** A request served before the emulator finished loading its services (library use without awaiting `ready`). */
  notReady: (): PlainError => ({
    code: 'P_NOT_READY',
    status: 503,
    message: 'The service is starting; try again.',
    headers: { 'Retry-After': '1' },
  }),
} as const;
