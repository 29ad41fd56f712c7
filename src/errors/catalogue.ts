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
} as const;

export type DomainError = (typeof DomainErrors)[keyof typeof DomainErrors];

/** SOAP fault codes as ASMX names them, per SOAP version. */
export type FaultCode = 'Client' | 'Server' | 'VersionMismatch';

export interface ProtocolError {
  /** Stable code for logs and metrics. */
  readonly code: string;
  readonly status: number;
  readonly fault: FaultCode;
  readonly message: string;
}

export const ProtocolErrors = {
  unknownSoapAction: (action: string): ProtocolError => ({
    code: 'P_SOAP_ACTION_UNKNOWN',
    status: 500,
    fault: 'Client',
    message: `System.Web.Services.Protocols.SoapException: Server did not recognize the value of HTTP Header SOAPAction: ${action}.`,
  }),
  missingSoapAction: (): ProtocolError => ({
    code: 'P_SOAP_ACTION_MISSING',
    status: 500,
    fault: 'Client',
    message: 'Unable to handle request without a valid action parameter. Please supply a valid soap action.',
  }),
  unknownSoap12Action: (action: string): ProtocolError => ({
    code: 'P_SOAP12_ACTION_UNKNOWN',
    status: 500,
    fault: 'Client',
    message: `Unable to handle request. The action '${action}' was not recognized.`,
  }),
  unreadableXml: (line: number, column: number, detail: string): ProtocolError => ({
    code: 'P_XML_MALFORMED',
    status: 500,
    fault: 'Client',
    message: `Server was unable to read request. ---> There is an error in XML document (${line}, ${column}). ---> ${detail}`,
  }),
  versionMismatch: (found: string, expected: string): ProtocolError => ({
    code: 'P_SOAP_VERSION_MISMATCH',
    status: 500,
    fault: 'VersionMismatch',
    message: `Possible SOAP version mismatch: Envelope namespace ${found} was unexpected. Expecting ${expected}.`,
  }),
  internal: (): ProtocolError => ({
    code: 'P_INTERNAL',
    status: 500,
    fault: 'Server',
    message: 'Server was unable to process request. ---> An internal error occurred.',
  }),
} as const;

/** The plain-text refusals of ASMX's HTTP GET/POST handler (500, text/plain). */
export const PlainTextErrors = {
  unknownMethod: (name: string) => ({
    code: 'P_METHOD_UNKNOWN',
    message: `System.InvalidOperationException: ${name} Web Service method name is not valid.`,
  }),
  wrongCaseMethod: (name: string, actual: string) => ({
    code: 'P_METHOD_CASE',
    message: `System.ArgumentException: Invalid method name '${name}', method names are case sensitive. The method name '${actual}' with the same name but different casing was found.`,
  }),
  unrecognizedFormat: (rest: string) => ({
    code: 'P_FORMAT_UNRECOGNIZED',
    message: `System.InvalidOperationException: Request format is unrecognized for URL unexpectedly ending in '${rest}'.`,
  }),
  internal: () => ({
    code: 'P_INTERNAL',
    message: 'System.InvalidOperationException: An internal error occurred.',
  }),
} as const;

export type PlainTextError = ReturnType<(typeof PlainTextErrors)[keyof typeof PlainTextErrors]>;
