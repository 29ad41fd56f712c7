import type { OperationModel, ServiceModel } from '../../contract/model';
import type { ProtocolError } from '../../errors/catalogue';

export const SOAP11_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NAMESPACE = 'http://www.w3.org/2003/05/soap-envelope';

/** What the SOAP adapter needs to know of an HTTP request, nothing more. */
export interface SoapHttpRequest {
  readonly body: Buffer;
  /** The `charset` parameter of the Content-Type, undefined when absent. */
  readonly charset: string | undefined;
  /** The SOAPAction header (SOAP 1.1), undefined when absent. */
  readonly soapActionHeader: string | undefined;
  /** The `action` parameter of the Content-Type (SOAP 1.2), undefined when absent. */
  readonly contentTypeAction: string | undefined;
  readonly cookieTicket: string | undefined;
}

/** The differences between SOAP 1.1 and 1.2 as ASMX serves them. */
export interface SoapVersion {
  readonly transport: 'soap11' | 'soap12';
  readonly envelopeNamespace: string;
  readonly otherEnvelopeNamespace: string;
  readonly contentType: string;
  /**
   * The operation the request is routed to, or the refusal. `requestElementName` is the local
   * name of the first element in the Body (in the service namespace), for versions that may route by it.
   */
  route(
    request: SoapHttpRequest,
    service: ServiceModel,
    requestElementName: string | undefined,
  ): OperationModel | ProtocolError;
  renderFault(error: ProtocolError): string;
}

export const ENVELOPE_NAMESPACES =
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
