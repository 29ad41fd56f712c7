import { ProtocolErrors, type ProtocolError } from '../../errors/catalogue';
import { isStoreOutage, rootAttributesOf } from '../../operations/shared';
import type { OperationInput, OperationOutcome } from '../../operations/types';
import type { OperationDescription, ServiceDescription } from '../../wsdl/serviceDescription';
import { XML_DECLARATION, renderRoot } from '../../xml/rootElement';
import { asmxAnswer, outcomeCode, type HttpAnswer } from '../answer';
import { decodeXmlBody } from '../charset';
import { ENVELOPE_NAMESPACES, type SoapHttpRequest, type SoapVersion } from './soapVersion';
import { parseXmlDocument, type XmlElement } from './xmlDocument';

export type DecodedSoap =
  | { readonly operation: OperationDescription; readonly input: OperationInput }
  | { readonly error: ProtocolError };

/** Reads a SOAP request: checks the envelope, routes it to an operation and binds the parameters. */
export function decodeSoap(
  version: SoapVersion,
  request: SoapHttpRequest,
  service: ServiceDescription,
): DecodedSoap {
  const decoded = decodeXmlBody(request.body, request.charset);
  if ('unsupported' in decoded) return { error: ProtocolErrors.unsupportedEncoding(decoded.unsupported) };
  if ('invalid' in decoded) return { error: ProtocolErrors.invalidEncoding(decoded.invalid) };
  const parsed = parseXmlDocument(decoded.text);
  if ('error' in parsed) return parsed;
  const envelope = parsed.root;
  if (envelope.localName !== 'Envelope' || envelope.namespace !== version.envelopeNamespace) {
    return { error: ProtocolErrors.versionMismatch(envelope.namespace, version.envelopeNamespace) };
  }
  const body = envelope.children.find(
    (c) => c.localName === 'Body' && c.namespace === version.envelopeNamespace,
  );
  const requestElement = body?.children[0];
  const inServiceNamespace = requestElement?.namespace === service.targetNamespace;

  const routed = version.route(request, service, inServiceNamespace ? requestElement?.localName : undefined);
  if ('code' in routed) return { error: routed };

  // A request element of another name or namespace binds nothing: every parameter is absent,
  // exactly as XmlSerializer leaves them (see the soap11-wrong-ns exchange).
  const binds = inServiceNamespace && requestElement?.localName === routed.name;
  const params = binds ? bindParameters(routed, requestElement, service.targetNamespace) : {};
  return { operation: routed, input: { params, cookieTicket: request.cookieTicket } };
}

function bindParameters(
  operation: OperationDescription,
  element: XmlElement,
  namespace: string,
): Record<string, string> {
  const params: Record<string, string> = {};
  for (const child of element.children) {
    // elementFormDefault="qualified": a parameter in another namespace is not that parameter.
    if (child.namespace !== namespace || !operation.params.includes(child.localName)) continue;
    if (child.localName in params) continue;
    if (child.nil) continue;
    params[child.localName] = child.text;
  }
  return params;
}

export function encodeSoapResponse(
  version: SoapVersion,
  service: ServiceDescription,
  operation: OperationDescription,
  outcome: OperationOutcome,
): HttpAnswer {
  // A store outage is no answer of the service: SOAP clients get a soap:Server fault.
  if (isStoreOutage(outcome)) return encodeSoapFault(version, ProtocolErrors.storeUnavailable());
  const name = operation.name;
  const root = renderRoot(rootAttributesOf(outcome), true);
  const body =
    `${XML_DECLARATION}<soap:Envelope xmlns:soap="${version.envelopeNamespace}" ${ENVELOPE_NAMESPACES}><soap:Body>` +
    `<${name}Response xmlns="${service.targetNamespace}"><${name}Result>${root}</${name}Result></${name}Response>` +
    `</soap:Body></soap:Envelope>`;
  return { ...asmxAnswer(200, version.contentType, body), outcome: outcomeCode(outcome) };
}

export function encodeSoapFault(version: SoapVersion, error: ProtocolError): HttpAnswer {
  return {
    ...asmxAnswer(error.status, version.contentType, version.renderFault(error)),
    outcome: error.code,
  };
}
