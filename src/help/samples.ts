import type { MemberModel, OperationModel, Protocol, TypeModel } from '../contract/model';
import { escapeHtml } from './escapeHtml';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD = 'http://www.w3.org/2001/XMLSchema';
const SOAP11_ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12_ENVELOPE = 'http://www.w3.org/2003/05/soap-envelope';
const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

// Placeholders are wrapped in these two characters while a sample is built as plain text, so the
// finished text can be escaped as a whole and the placeholders highlighted afterwards. Neither
// character can occur in a WSDL name (XML 1.0 forbids them) nor in a validated Host.
const OPEN = '\u0001';
const CLOSE = '\u0002';
const placeholder = (text: string) => `${OPEN}${text}${CLOSE}`;

/** What ASMX shows for an `XmlNode` result (a `mixed` element holding `s:any`). */
const RESULT_PLACEHOLDER = 'xml';

/** The placeholder of a simple value: the XSD type name, or an enum's members joined by "or". */
function simplePlaceholder(type: TypeModel): string {
  if (type.kind === 'primitive') return type.name;
  if (type.kind === 'enum') return type.members.join(' or ');
  return RESULT_PLACEHOLDER;
}

/**
 * A parameter in the HTTP GET/POST samples. ASMX's HTTP messages type every parameter `s:string`,
 * and arrays (byte[] included, an array of bytes) `StringArray`, sent as repeated keys:
 * `name=string`, `tags=string&tags=string`.
 */
function httpParameterSample(param: MemberModel): string {
  const pair = `${param.name}=${placeholder('string')}`;
  const repeated =
    param.type.kind === 'array' || (param.type.kind === 'primitive' && param.type.name === 'base64Binary');
  return repeated ? `${pair}&${pair}` : pair;
}

/**
 * The sample XML of a member as ASMX's help page draws it: simple values as placeholders,
 * complex types with their members, arrays with two items. `depth` stops recursive types.
 */
function memberSample(member: MemberModel, indent: string, depth = 0): string[] {
  const type = member.type;
  const open = `${indent}<${member.name}>`;
  const close = `</${member.name}>`;
  if (type.kind === 'complex' || type.kind === 'array') {
    if (depth > 3) return [`${indent}<${member.name} />`];
    const inner =
      type.kind === 'array'
        ? [
            ...memberSample(type.item, `${indent}  `, depth + 1),
            ...memberSample(type.item, `${indent}  `, depth + 1),
          ]
        : type.members.flatMap((m) => memberSample(m, `${indent}  `, depth + 1));
    return inner.length === 0 ? [`${indent}<${member.name} />`] : [open, ...inner, `${indent}${close}`];
  }
  return [`${open}${placeholder(simplePlaceholder(type))}${close}`];
}

export interface Sample {
  /** Fragment id of the section: `soap11`, `soap12`, `httpGet`, `httpPost`. */
  readonly id: string;
  /** The protocol name ASMX uses as the section heading. */
  readonly title: string;
  readonly request: string;
  readonly response: string;
}

export interface SampleTarget {
  /** `Host` of the request the page answers (host and port), already validated. */
  readonly host: string;
  /** Path of the service, e.g. `/srv.asmx`. */
  readonly path: string;
  readonly targetNamespace: string;
}

/**
 * The four sample exchanges of an operation page, in the order and wording of the classic ASMX
 * help page: SOAP 1.1, SOAP 1.2, HTTP GET, HTTP POST. Element names follow the ASMX convention of
 * the WSDL (`<Op>Response` holding `<Op>Result`). The SOAP samples are typed (`<pageSize>int</pageSize>`,
 * an enum's members joined by " or ", arrays and complex types drawn out, an XmlNode as `xml`); the
 * HTTP GET/POST requests show every parameter as `string`, as ASMX's HTTP messages type them
 * (arrays as a repeated key); their responses are the typed result document.
 */
export function operationSamples(operation: OperationModel, target: SampleTarget): Sample[] {
  const { name, params } = operation;
  const length = placeholder('length');
  const xmlHeaders = (contentType: string) => [`Content-Type: ${contentType}`, `Content-Length: ${length}`];
  const query = params.map(httpParameterSample).join('&');
  const request = operation.requestElement;
  const response = operation.responseElement;

  const requestElement = (indent: string) =>
    params.length === 0
      ? `${indent}<${request.name} xmlns="${request.namespace}" />`
      : [
          `${indent}<${request.name} xmlns="${request.namespace}">`,
          ...params.flatMap((p) => memberSample(p, `${indent}  `)),
          `${indent}</${request.name}>`,
        ].join('\n');
  const responseElement = (indent: string) =>
    operation.result === undefined
      ? `${indent}<${response.name} xmlns="${response.namespace}" />`
      : [
          `${indent}<${response.name} xmlns="${response.namespace}">`,
          ...memberSample(operation.result, `${indent}  `),
          `${indent}</${response.name}>`,
        ].join('\n');
  // Over GET/POST a typed result is its own document; an XmlNode result is the node itself.
  const httpResult = (): string | undefined => {
    const root = operation.httpResultElement;
    if (!operation.result) return undefined;
    if (!root) return placeholder(RESULT_PLACEHOLDER);
    const lines = memberSample({ ...operation.result, name: root.name }, '');
    lines[0] = (lines[0] ?? '').replace(`<${root.name}`, `<${root.name} xmlns="${root.namespace}"`);
    return lines.join('\n');
  };
  const envelope = (prefix: string, ns: string, body: string) =>
    [
      XML_DECLARATION,
      `<${prefix}:Envelope xmlns:xsi="${XSI}" xmlns:xsd="${XSD}" xmlns:${prefix}="${ns}">`,
      `  <${prefix}:Body>`,
      body,
      `  </${prefix}:Body>`,
      `</${prefix}:Envelope>`,
    ].join('\n');
  const message = (startLine: string, headers: string[], body?: string) =>
    [startLine, ...headers, ...(body === undefined ? [] : ['', body])].join('\n');
  const ok = (contentType: string, body: string) => message('HTTP/1.1 200 OK', xmlHeaders(contentType), body);
  const httpOk = () => {
    const result = httpResult();
    return result === undefined
      ? message('HTTP/1.1 200 OK', [])
      : ok(soap11Type, `${XML_DECLARATION}\n${result}`);
  };

  const soap11Type = 'text/xml; charset=utf-8';
  const soap12Type = 'application/soap+xml; charset=utf-8';
  const samples: Array<Sample & { protocol: Protocol }> = [
    {
      protocol: 'soap11',
      id: 'soap11',
      title: 'SOAP 1.1',
      request: message(
        `POST ${target.path} HTTP/1.1`,
        [`Host: ${target.host}`, ...xmlHeaders(soap11Type), `SOAPAction: "${operation.soapAction}"`],
        envelope('soap', SOAP11_ENVELOPE, requestElement('    ')),
      ),
      response: ok(soap11Type, envelope('soap', SOAP11_ENVELOPE, responseElement('    '))),
    },
    {
      protocol: 'soap12',
      id: 'soap12',
      title: 'SOAP 1.2',
      request: message(
        `POST ${target.path} HTTP/1.1`,
        [`Host: ${target.host}`, ...xmlHeaders(soap12Type)],
        envelope('soap12', SOAP12_ENVELOPE, requestElement('    ')),
      ),
      response: ok(soap12Type, envelope('soap12', SOAP12_ENVELOPE, responseElement('    '))),
    },
    {
      protocol: 'httpGet',
      id: 'httpGet',
      title: 'HTTP GET',
      request: message(`GET ${target.path}/${name}${query ? `?${query}` : ''} HTTP/1.1`, [
        `Host: ${target.host}`,
      ]),
      response: httpOk(),
    },
    {
      protocol: 'httpPost',
      id: 'httpPost',
      title: 'HTTP POST',
      request: message(
        `POST ${target.path}/${name} HTTP/1.1`,
        [
          `Host: ${target.host}`,
          'Content-Type: application/x-www-form-urlencoded',
          `Content-Length: ${length}`,
        ],
        query,
      ),
      response: httpOk(),
    },
  ];
  // Only the protocols whose binding carries the operation, as the ASMX page lists them.
  return samples
    .filter((sample) => operation.protocols.has(sample.protocol))
    .map(({ protocol: _protocol, ...sample }) => sample);
}

/** A sample as HTML for a `<pre>` block: escaped, placeholders highlighted. */
export function sampleHtml(text: string): string {
  return escapeHtml(text).split(OPEN).join('<span class="value">').split(CLOSE).join('</span>');
}
