import { ProtocolErrors } from '../errors/catalogue';
import { escapeText } from '../xml/escape';
import { XML_DECLARATION } from '../xml/rootElement';
import { CONTENT_TYPES } from './answer';
import {
  ENVELOPE_NAMESPACES,
  SOAP11_NAMESPACE,
  SOAP12_NAMESPACE,
  type SoapVersion,
} from './soap/soapVersion';

/** SOAP 1.1: `text/xml`, the operation named by the SOAPAction header. */
export const soap11: SoapVersion = {
  transport: 'soap11',
  envelopeNamespace: SOAP11_NAMESPACE,
  otherEnvelopeNamespace: SOAP12_NAMESPACE,
  contentType: CONTENT_TYPES.xml,
  route(request, service) {
    const header = request.soapActionHeader;
    if (header === undefined) return ProtocolErrors.missingSoapAction();
    // Clients send the action quoted (`"http://tempuri.org/LogOut"`); ASMX strips the quotes.
    const action =
      header.length >= 2 && header.startsWith('"') && header.endsWith('"') ? header.slice(1, -1) : header;
    return service.bySoapAction.get(action) ?? ProtocolErrors.unknownSoapAction(action);
  },
  renderFault(error) {
    return (
      `${XML_DECLARATION}<soap:Envelope xmlns:soap="${SOAP11_NAMESPACE}" ${ENVELOPE_NAMESPACES}><soap:Body>` +
      `<soap:Fault><faultcode>soap:${error.fault}</faultcode><faultstring>${escapeText(error.message)}</faultstring><detail /></soap:Fault>` +
      `</soap:Body></soap:Envelope>`
    );
  },
};
