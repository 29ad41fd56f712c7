/**
 * What a handler of an operation gets and may do: typed arguments in, a typed value out, nothing
 * of HTTP. The built-in session operations, a user's handler module (`handlers` of a service) and
 * stub files all answer through this one shape. Exported from the package for handler authors.
 */
import type { Clock } from '../clock';
import type { Arguments, XmlNodeValue } from '../codec/values';

/** The user of a ticket, as the users file knows it (undefined fields when the user is not in it). */
export interface TicketUser {
  /** The user name as issued with the ticket (lower-case key of the users file). */
  readonly username: string;
  readonly userid?: number;
  readonly fullname?: string;
  readonly email?: string;
}

export type Transport = 'soap11' | 'soap12' | 'http-get' | 'http-post';

export interface HandlerContext {
  /** The service path, e.g. `/srv.asmx`. */
  readonly service: string;
  readonly operation: string;
  readonly transport: Transport;
  /**
   * For an operation guarded by the ticket (a parameter named authenticationTicket, any case):
   * the live ticket after the `ticket` cookie fallback, and its user. Undefined otherwise.
   */
  readonly ticket: string | undefined;
  readonly user: TicketUser | undefined;
  /** The emulator's clock (tests can move it). */
  readonly clock: Clock;
  /**
   * Fails the call as a .NET method throwing `SoapException(message, SoapException.ClientFaultCode)`:
   * a soap:Client (1.2: soap:Sender) fault over SOAP, a 500 text/plain over GET/POST.
   */
  fault(message: string): never;
  /** `<root success="false" error="message" />`: how an XmlNode operation reports a failure (status 200). */
  rootError(message: string): XmlNodeValue;
}

/**
 * One operation's handler: typed arguments by WSDL parameter name (see codec/values.ts for the
 * JavaScript type of each XSD type) → the result value (undefined for a void operation).
 */
export type OperationHandlerFunction = (args: Arguments, context: HandlerContext) => unknown;

/** A handler module: an ES module exporting one (async) function per operation name. */
export type HandlerModule = Readonly<Record<string, OperationHandlerFunction>>;

/** Thrown by {@link HandlerContext.fault}: a SoapException with the client fault code. */
export class SoapFault extends Error {
  override readonly name = 'SoapFault';
  constructor(
    message: string,
    readonly code: 'Client' | 'Server' = 'Client',
  ) {
    super(message);
  }
}
