/**
 * Reading an upstream ASMX service's SOAP 1.1 answer back into the emulator's terms: the typed
 * result value (codec/values.ts), or the message and code of the SoapException it threw (its
 * stack trace dropped, as the emulator never sends one). Knows the service model, nothing of HTTP.
 */
import type { MemberModel, OperationModel } from '../contract/model';
import { decodeSoapArguments } from '../codec/decodeSoapArguments';
import type { XmlNodeValue } from '../codec/values';
import { SOAP11_NAMESPACE } from '../transports/soap/soapVersion';
import { readXmlDocument, type XmlElement } from '../xml/xmlReader';

export type UpstreamAnswer =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'fault'; readonly message: string; readonly faultCode: 'Client' | 'Server' };

const SOAP_EXCEPTION_PREFIX = 'System.Web.Services.Protocols.SoapException: ';

/** The answer in a SOAP 1.1 response document; undefined when the text is no such answer. */
export function readSoapAnswer(operation: OperationModel, text: string): UpstreamAnswer | undefined {
  const document = readXmlDocument(text);
  if ('error' in document) return undefined;
  const envelope = document.root;
  if (envelope.localName !== 'Envelope' || envelope.namespace !== SOAP11_NAMESPACE) return undefined;
  const body = envelope.children.find((c) => c.localName === 'Body' && c.namespace === SOAP11_NAMESPACE);
  const content = body?.children[0];
  if (!content) return undefined;
  if (content.localName === 'Fault' && content.namespace === SOAP11_NAMESPACE) return readFault(content);
  const { name, namespace } = operation.responseElement;
  if (content.localName !== name || content.namespace !== namespace) return undefined;
  if (!operation.result) return { kind: 'value', value: undefined };
  const present = content.children.some((c) => c.localName === operation.result?.name);
  // A null result is left out of <OpResponse>; a value type is then its default.
  if (!present && !isValueMember(operation.result)) return { kind: 'value', value: null };
  return { kind: 'value', value: readMember(operation.result, content.children) };
}

/** The value of one member among `children`, as XmlSerializer reads it (XmlNode: as an XmlNodeValue). */
export function readMember(member: MemberModel, children: readonly XmlElement[]): unknown {
  const decoded = decodeSoapArguments(
    { params: [member] } as unknown as OperationModel,
    {
      children,
    } as XmlElement,
  );
  if ('error' in decoded) throw new Error(`the upstream's ${member.name} is not readable`);
  const value = decoded.args[member.name];
  return member.type.kind === 'xmlNode' ? xmlNodeOfResult(value as XmlElement | null) : value;
}

/** The one element inside `<OpResult>` (an XmlNode result), without the `xmlns=""` ASMX writes on it. */
function xmlNodeOfResult(result: XmlElement | null): XmlNodeValue | null {
  const node = result?.children[0];
  return node ? xmlNodeValue(node) : null;
}

export function xmlNodeValue(element: XmlElement): XmlNodeValue {
  const name = element.prefix ? `${element.prefix}:${element.localName}` : element.localName;
  const attributes = Object.entries(element.attributes).filter(
    ([key, value]) => !(key === 'xmlns' && value === ''),
  );
  const children: (XmlNodeValue | string)[] = [];
  if (element.children.length === 0 || element.text.trim() !== '') {
    if (element.text !== '') children.push(element.text);
  }
  for (const child of element.children) children.push(xmlNodeValue(child));
  return { name, attributes, ...(children.length ? { children } : {}) };
}

function readFault(fault: XmlElement): UpstreamAnswer {
  const code = fault.children.find((c) => c.localName === 'faultcode')?.text ?? '';
  const text = fault.children.find((c) => c.localName === 'faultstring')?.text ?? '';
  return {
    kind: 'fault',
    faultCode: /(^|:)Server$/.test(code.trim()) ? 'Server' : 'Client',
    message: withoutStackTrace(
      text.startsWith(SOAP_EXCEPTION_PREFIX) ? text.slice(SOAP_EXCEPTION_PREFIX.length) : text,
    ),
  };
}

/** The message without .NET's stack frames (`   at …`) and `--- End of inner exception stack trace ---` lines. */
export function withoutStackTrace(message: string): string {
  return message
    .split(/\r?\n/)
    .filter((line) => !/^\s*at /.test(line) && !/^\s*--- End of inner exception stack trace ---/.test(line))
    .join('\r\n')
    .replace(/\s+$/, '');
}

function isValueMember(member: MemberModel): boolean {
  const type = member.type;
  if (type.kind === 'enum') return true;
  if (type.kind !== 'primitive') return false;
  return type.name !== 'string' && type.name !== 'base64Binary';
}
