import type { OperationModel, ServiceModel } from '../contract/model';
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

/** The SOAPAction header routed last, and where to. */
let lastRoute:
  { readonly header: string; readonly service: ServiceModel; readonly operation: OperationModel } | undefined;

/** SOAP 1.1: `text/xml`, the operation named by the SOAPAction header. */
export const soap11: SoapVersion = {
  transport: 'soap11',
  envelopeNamespace: SOAP11_NAMESPACE,
  otherEnvelopeNamespace: SOAP12_NAMESPACE,
  contentType: CONTENT_TYPES.xml,
  route(request, service) {
    const header = request.soapActionHeader;
    if (header === undefined) return ProtocolErrors.missingSoapAction();
    // A client sends the same header call after call: comparing it with the last one is cheaper
    // than hashing its unquoted copy for the map.
    if (lastRoute?.header === header && lastRoute.service === service) return lastRoute.operation;
    // Clients send the action quoted (`"http://tempuri.org/LogOut"`); ASMX strips the quotes.
    const action =
      header.length >= 2 && header.startsWith('"') && header.endsWith('"') ? header.slice(1, -1) : header;
    const operation = service.bySoapAction.get(action);
    if (operation === undefined) return ProtocolErrors.unknownSoapAction(action);
    lastRoute = { header, service, operation };
    return operation;
  },
  renderFault(error) {
    return (
      `${XML_DECLARATION}<soap:Envelope xmlns:soap="${SOAP11_NAMESPACE}" ${ENVELOPE_NAMESPACES}><soap:Body>` +
      `<soap:Fault><faultcode>soap:${error.fault}</faultcode><faultstring>${escapeText(error.message)}</faultstring><detail /></soap:Fault>` +
      `</soap:Body></soap:Envelope>`
    );
  },
};
