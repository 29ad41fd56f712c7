/**
 * The SOAP 1.1 request the emulator sends an upstream ASMX service for a call: the operation's
 * request element with the typed arguments written back as XmlSerializer reads them. Knows the
 * service model and the values of codec/values.ts, nothing of the client's request.
 */
import type { MemberModel, OperationModel } from '../contract/model';
import type { Arguments, XmlNodeValue } from '../codec/values';
import { formatEnum, formatXsd } from '../codec/xmlConvert';
import { encodeXmlNodeCompact } from '../codec/xmlNodeText';
import { escapeAttribute, escapeText } from '../xml/escape';
import { SOAP11_NAMESPACE } from '../transports/soap/soapVersion';
import type { XmlElement } from '../xml/xmlReader';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** The body of a SOAP 1.1 request calling `operation` with `args`. */
export function soapRequestBody(operation: OperationModel, args: Arguments): string {
  const { name, namespace } = operation.requestElement;
  const members = operation.params.map((param) => member(param, args[param.name], namespace)).join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP11_NAMESPACE}" ` +
    `xmlns:xsi="${XSI}" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>` +
    `<${name} xmlns="${escapeAttribute(namespace)}">${members}</${name}></soap:Body></soap:Envelope>`
  );
}

/** The headers of that request: the content type and the SOAPAction of the operation. */
export function soapRequestHeaders(operation: OperationModel): Record<string, string> {
  return {
    'Content-Type': 'text/xml; charset=utf-8',
    SOAPAction: `"${operation.soapAction || `${operation.requestElement.namespace}${operation.name}`}"`,
  };
}

/** One element for a value; '' when the value is absent (XmlSerializer leaves null members out). */
function member(model: MemberModel, value: unknown, scope: string): string {
  const xmlns = model.namespace === scope ? '' : ` xmlns="${escapeAttribute(model.namespace)}"`;
  if (value === null || value === undefined) {
    return model.nillable ? `<${model.name} xsi:nil="true"${xmlns} />` : '';
  }
  const content = contentOf(model, value);
  return `<${model.name}${xmlns}>${content}</${model.name}>`;
}

function contentOf(model: MemberModel, value: unknown): string {
  const type = model.type;
  switch (type.kind) {
    case 'primitive':
      return escapeText(formatXsd(type.name, value));
    case 'enum':
      return escapeText(formatEnum(type, value));
    case 'array':
      return (value as unknown[]).map((item) => member(type.item, item, model.namespace)).join('');
    case 'complex': {
      const object = value as Record<string, unknown>;
      return type.members.map((m) => member(m, object[m.name], model.namespace)).join('');
    }
    case 'xmlNode':
      return xmlNodeText(value);
  }
}

/** An XmlNode argument: as decoded from a request (an XmlElement of the reader), or a value. */
function xmlNodeText(value: unknown): string {
  if (typeof value === 'string') return value;
  const element = value as Partial<XmlElement>;
  if (element && typeof element.localName === 'string') {
    return element.children?.map((child) => elementText(child)).join('') ?? escapeText(element.text ?? '');
  }
  return encodeXmlNodeCompact(value as XmlNodeValue);
}

function elementText(element: XmlElement): string {
  const name = element.prefix ? `${element.prefix}:${element.localName}` : element.localName;
  const attributes = Object.entries(element.attributes)
    .map(([key, val]) => ` ${key}="${escapeAttribute(val)}"`)
    .join('');
  const inner = element.children.length
    ? element.children.map(elementText).join('')
    : escapeText(element.text);
  return inner === '' ? `<${name}${attributes} />` : `<${name}${attributes}>${inner}</${name}>`;
}
