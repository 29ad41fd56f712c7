import type { OperationDescription } from '../wsdl/serviceDescription';
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

/** What ASMX shows for every parameter value: all parameters of this service are `s:string`. */
const PARAMETER_PLACEHOLDER = 'string';
/** What ASMX shows for an `XmlNode` result (a `mixed` element holding `s:any`). */
const RESULT_PLACEHOLDER = 'xml';

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
 * the WSDL (`<Op>Response` holding `<Op>Result`); every parameter value is the `string`
 * placeholder and the result the `xml` placeholder.
 */
export function operationSamples(operation: OperationDescription, target: SampleTarget): Sample[] {
  const { name, params } = operation;
  const length = placeholder('length');
  const xmlHeaders = (contentType: string) => [`Content-Type: ${contentType}`, `Content-Length: ${length}`];
  const query = params.map((p) => `${p}=${placeholder(PARAMETER_PLACEHOLDER)}`).join('&');

  const requestElement = (indent: string) =>
    params.length === 0
      ? `${indent}<${name} xmlns="${target.targetNamespace}" />`
      : [
          `${indent}<${name} xmlns="${target.targetNamespace}">`,
          ...params.map((p) => `${indent}  <${p}>${placeholder(PARAMETER_PLACEHOLDER)}</${p}>`),
          `${indent}</${name}>`,
        ].join('\n');
  const responseElement = (indent: string) =>
    [
      `${indent}<${name}Response xmlns="${target.targetNamespace}">`,
      `${indent}  <${name}Result>${placeholder(RESULT_PLACEHOLDER)}</${name}Result>`,
      `${indent}</${name}Response>`,
    ].join('\n');
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

  const soap11Type = 'text/xml; charset=utf-8';
  const soap12Type = 'application/soap+xml; charset=utf-8';
  return [
    {
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
      id: 'httpGet',
      title: 'HTTP GET',
      request: message(`GET ${target.path}/${name}${query ? `?${query}` : ''} HTTP/1.1`, [
        `Host: ${target.host}`,
      ]),
      response: ok(soap11Type, `${XML_DECLARATION}\n${placeholder(RESULT_PLACEHOLDER)}`),
    },
    {
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
      response: ok(soap11Type, `${XML_DECLARATION}\n${placeholder(RESULT_PLACEHOLDER)}`),
    },
  ];
}

/** A sample as HTML for a `<pre>` block: escaped, placeholders highlighted. */
export function sampleHtml(text: string): string {
  return escapeHtml(text).split(OPEN).join('<span class="value">').split(CLOSE).join('</span>');
}
