import { ProtocolErrors, type FaultCode } from '../errors/catalogue';
import { escapeText } from '../xml/escape';
import { XML_DECLARATION } from '../xml/rootElement';
import { CONTENT_TYPES } from './answer';
import {
  ENVELOPE_NAMESPACES,
  SOAP11_NAMESPACE,
  SOAP12_NAMESPACE,
  type SoapVersion,
} from './soap/soapVersion';

/** SOAP 1.2 renames the 1.1 fault codes. */
const FAULT_CODES: Record<FaultCode, string> = {
  Client: 'soap:Sender',
  Server: 'soap:Receiver',
  VersionMismatch: 'soap:VersionMismatch',
  MustUnderstand: 'soap:MustUnderstand',
};

/** SOAP 1.2: `application/soap+xml; action="..."`. */
export const soap12: SoapVersion = {
  transport: 'soap12',
  envelopeNamespace: SOAP12_NAMESPACE,
  otherEnvelopeNamespace: SOAP11_NAMESPACE,
  contentType: CONTENT_TYPES.soap12,
  route(request, service, requestElementName) {
    const action = request.contentTypeAction;
    if (action) return service.bySoap12Action.get(action) ?? ProtocolErrors.unknownSoap12Action(action);
    // The action parameter is optional in SOAP 1.2; without it ASMX routes by the request element.
    const byElement = requestElementName === undefined ? undefined : service.byName.get(requestElementName);
    return byElement ?? ProtocolErrors.missingSoapAction();
  },
  renderFault(error) {
    return (
      `${XML_DECLARATION}<soap:Envelope xmlns:soap="${SOAP12_NAMESPACE}" ${ENVELOPE_NAMESPACES}><soap:Body>` +
      `<soap:Fault><soap:Code><soap:Value>${FAULT_CODES[error.fault]}</soap:Value></soap:Code>` +
      `<soap:Reason><soap:Text xml:lang="en">${escapeText(error.message)}</soap:Text></soap:Reason><soap:Detail /></soap:Fault>` +
      `</soap:Body></soap:Envelope>`
    );
  },
};
