/**
 * The stub-file form (services/stubs) of what an upstream answered: the result as JSON from the
 * answer's XML (numbers, DateTimes, decimals as the verbatim text the upstream wrote, so a replay
 * writes the same bytes), or the message of the SoapException it threw.
 */
import type { MemberModel, OperationModel, TypeModel } from '../contract/model';
import { encodeXmlNodeCompact } from '../codec/xmlNodeText';
import { SOAP11_NAMESPACE, SOAP12_NAMESPACE } from '../transports/soap/soapVersion';
import { withoutStackTrace, xmlNodeValue } from '../upstream/soapResponse';
import { readXmlDocument, type XmlElement } from '../xml/xmlReader';

export type RecordedAnswer = { readonly result?: unknown } | { readonly fault: string };

const SOAP_EXCEPTION = 'System.Web.Services.Protocols.SoapException: ';

/**
 * The answer as a stub rule's `result`/`fault`; undefined for what no stub rule gives (refusals
 * before the method ran, other exceptions, a server fault).
 */
export function recordedAnswer(
  operation: OperationModel,
  transport: 'soap11' | 'soap12' | 'http-get' | 'http-post',
  status: number,
  body: string,
): RecordedAnswer | undefined {
  if (transport === 'http-get' || transport === 'http-post') {
    if (status === 500 && body.startsWith(SOAP_EXCEPTION)) {
      return { fault: withoutStackTrace(body.slice(SOAP_EXCEPTION.length)) };
    }
    if (status !== 200) return undefined;
    if (!operation.result) return {};
    const document = readXmlDocument(body);
    if ('error' in document) return undefined;
    return { result: valueJson(operation.result, document.root, true) };
  }
  const document = readXmlDocument(body);
  if ('error' in document) return undefined;
  const ns = transport === 'soap11' ? SOAP11_NAMESPACE : SOAP12_NAMESPACE;
  const content = document.root.children.find((c) => c.localName === 'Body' && c.namespace === ns)
    ?.children[0];
  if (!content) return undefined;
  if (content.localName === 'Fault') return faultOf(content, transport);
  if (status !== 200 || content.localName !== operation.responseElement.name) return undefined;
  if (!operation.result) return {};
  const element = content.children.find((c) => c.localName === operation.result?.name);
  if (!element) return { result: null };
  return { result: valueJson(operation.result, element) };
}

function faultOf(fault: XmlElement, transport: 'soap11' | 'soap12'): RecordedAnswer | undefined {
  const text = (element: XmlElement | undefined, path: string[]): string | undefined => {
    let at = element;
    for (const name of path) at = at?.children.find((c) => c.localName === name);
    return at?.text;
  };
  const code = transport === 'soap11' ? text(fault, ['faultcode']) : text(fault, ['Code', 'Value']);
  const message = transport === 'soap11' ? text(fault, ['faultstring']) : text(fault, ['Reason', 'Text']);
  // A stub's fault is SoapException(message, ClientFaultCode); anything else is no stub rule.
  if (!code || !/:(Client|Sender)$/.test(code.trim()) || !message?.startsWith(SOAP_EXCEPTION))
    return undefined;
  const inner = withoutStackTrace(message.slice(SOAP_EXCEPTION.length));
  if (inner.startsWith('Server was unable to')) return undefined;
  return { fault: inner };
}

/** The JSON of one element's value as the stub format writes it. */
export function valueJson(member: MemberModel, element: XmlElement, documentElement = false): unknown {
  if (element.nil) return null;
  return typedJson(member.type, element, documentElement);
}

/** `documentElement`: the element is the answer's document element (GET/POST), an XmlNode itself. */
function typedJson(type: TypeModel, element: XmlElement, documentElement: boolean): unknown {
  switch (type.kind) {
    case 'primitive':
      if (type.name === 'boolean') return element.text.trim() === 'true';
      return element.text;
    case 'enum':
      return element.text;
    case 'array':
      return element.children
        .filter((c) => c.localName === type.item.name)
        .map((c) => valueJson(type.item, c));
    case 'complex': {
      const object: Record<string, unknown> = {};
      for (const member of type.members) {
        const child = element.children.find((c) => c.localName === member.name);
        if (child) object[member.name] = valueJson(member, child);
      }
      return object;
    }
    case 'xmlNode': {
      // Inside <OpResult> the node is its one child; over GET/POST the document element itself.
      const node = documentElement ? element : element.children[0];
      return node ? encodeXmlNodeCompact(xmlNodeValue(node)) : null;
    }
  }
}
