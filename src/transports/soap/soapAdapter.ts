import type { OperationModel, ServiceModel } from '../../contract/model';
import { decodeSoapArguments } from '../../codec/decodeSoapArguments';
import { encodeSoapBody } from '../../codec/encodeResult';
import type { Arguments } from '../../codec/values';
import { ProtocolErrors, type ProtocolError } from '../../errors/catalogue';
import type { CallOutcome } from '../../services/callOutcome';
import { readXmlDocument, type XmlElement } from '../../xml/xmlReader';
import { XML_DECLARATION } from '../../xml/rootElement';
import {
  ConstantAnswers,
  asmxAnswer,
  plainError,
  PRE_INVOKE_CACHE_CONTROL,
  type HttpAnswer,
} from '../answer';
import { decodeXmlBody } from '../charset';
import { ENVELOPE_NAMESPACES, type SoapHttpRequest, type SoapVersion } from './soapVersion';
import { internalize } from '../../xml/internalize';

export type DecodedSoap =
  | { readonly operation: OperationModel; readonly args: Arguments }
  | { readonly error: ProtocolError }
  /** Invalid base64 in a byte[] argument: an XmlException while reading the body, HTTP 400 with no body. */
  | { readonly badRequest: true };

/** Reads a SOAP request: checks the envelope, routes it to an operation and binds the typed arguments. */
export function decodeSoap(
  version: SoapVersion,
  request: SoapHttpRequest,
  service: ServiceModel,
): DecodedSoap {
  const decoded = decodeXmlBody(request.body, request.charset);
  if ('unsupported' in decoded) return { error: ProtocolErrors.unsupportedEncoding(decoded.unsupported) };
  if ('invalid' in decoded) return { error: ProtocolErrors.invalidEncoding(decoded.invalid) };
  const parsed = readXmlDocument(decoded.text);
  if ('error' in parsed) return parsed;
  const envelope = parsed.root;
  const envelopeNamespace = version.envelopeNamespace;
  if (envelope.localName !== 'Envelope' || envelope.namespace !== envelopeNamespace) {
    return { error: ProtocolErrors.versionMismatch(envelope.namespace, envelopeNamespace) };
  }
  // The first Body and the first Header, in one pass.
  let body: XmlElement | undefined;
  let header: XmlElement | undefined;
  for (const child of envelope.children) {
    if (child.namespace !== envelopeNamespace) continue;
    if (body === undefined && child.localName === 'Body') body = child;
    else if (header === undefined && child.localName === 'Header') header = child;
  }
  if (!body) return { error: ProtocolErrors.missingBody() };
  const notUnderstood = header?.children.find((h) => mustUnderstand(h, version));
  if (notUnderstood) return { error: ProtocolErrors.headerNotUnderstood(qualifiedName(notUnderstood)) };
  const requestElement = body.children[0];
  // A prefix no declaration binds is an XmlException while XmlSerializer reads: HTTP 400. The
  // reader counts such elements: none in the document, none to look for.
  if (requestElement && parsed.unboundPrefixes !== 0 && hasUndeclaredPrefix(requestElement)) {
    return { badRequest: true };
  }
  const inServiceNamespace = requestElement?.namespace === targetNamespaceOf(service);

  const routed = version.route(request, service, inServiceNamespace ? requestElement?.localName : undefined);
  if ('code' in routed) return { error: routed };

  // A request element of another name or namespace binds nothing: every parameter is absent,
  // exactly as XmlSerializer leaves them (see the soap11-wrong-ns exchange).
  const expected = requestElementOf(routed);
  const binds =
    requestElement?.localName === expected.name && requestElement.namespace === expected.namespace;
  const read = decodeSoapArguments(routed, binds ? requestElement : undefined);
  if ('args' in read) return { operation: routed, args: read.args };
  if (read.error.kind === 'badRequest') return { badRequest: true };
  const { line, column } = read.error.position;
  return { error: ProtocolErrors.unreadableArgument(line, column, read.error.inner.toString()) };
}

/**
 * Each service's namespace, internalized: the reader's namespace URIs mostly are, and compare
 * with it by identity then.
 */
const TARGET_NAMESPACES = new WeakMap<ServiceModel, string>();

function targetNamespaceOf(service: ServiceModel): string {
  let namespace = TARGET_NAMESPACES.get(service);
  if (namespace === undefined)
    TARGET_NAMESPACES.set(service, (namespace = internalize(service.targetNamespace)));
  return namespace;
}

/** Each operation's request element, its name and namespace internalized (see targetNamespaceOf). */
const REQUEST_ELEMENTS = new WeakMap<OperationModel, { readonly name: string; readonly namespace: string }>();

function requestElementOf(operation: OperationModel): { readonly name: string; readonly namespace: string } {
  let element = REQUEST_ELEMENTS.get(operation);
  if (element === undefined) {
    const { name, namespace } = operation.requestElement;
    element = { name: internalize(name), namespace: internalize(namespace) };
    REQUEST_ELEMENTS.set(operation, element);
  }
  return element;
}

/** `soap:mustUnderstand="1"` (or `true`) on a header entry, in the envelope's namespace. */
function mustUnderstand(header: XmlElement, version: SoapVersion): boolean {
  for (const name in header.attributes) {
    const colon = name.indexOf(':');
    if (name.slice(colon + 1) !== 'mustUnderstand') continue;
    const value = header.attributes[name];
    if (value !== '1' && value !== 'true') continue;
    const prefix = colon < 0 ? '' : name.slice(0, colon);
    const declared = prefix === '' ? undefined : findDeclaration(header, prefix);
    if (declared === version.envelopeNamespace || (declared === undefined && prefix !== '')) return true;
  }
  return false;
}

/** The namespace a prefix is bound to on the element itself (envelope-level bindings are the version's). */
function findDeclaration(element: XmlElement, prefix: string): string | undefined {
  return element.attributes[`xmlns:${prefix}`];
}

function qualifiedName(element: XmlElement): string {
  return element.prefix ? `${element.prefix}:${element.localName}` : element.localName;
}

function hasUndeclaredPrefix(element: XmlElement): boolean {
  if (element.prefix !== '' && element.namespace === '') return true;
  return element.children.some(hasUndeclaredPrefix);
}

/** The response envelope's start of each version, up to `<soap:Body>`, written once. */
const ENVELOPE_STARTS = new WeakMap<SoapVersion, string>();
const ENVELOPE_END = '</soap:Body></soap:Envelope>';

function envelope(version: SoapVersion, body: string): string {
  let start = ENVELOPE_STARTS.get(version);
  if (start === undefined) {
    start = `${XML_DECLARATION}<soap:Envelope xmlns:soap="${version.envelopeNamespace}" ${ENVELOPE_NAMESPACES}><soap:Body>`;
    ENVELOPE_STARTS.set(version, start);
  }
  return start + body + ENVELOPE_END;
}

/** The answer to a call over SOAP: the response envelope, or the fault the outcome calls for. */
export function encodeSoapOutcome(
  version: SoapVersion,
  operation: OperationModel,
  outcome: CallOutcome,
): HttpAnswer {
  const answers = constantAnswersOf(version);
  return (
    answers.get(operation, outcome) ??
    answers.keep(operation, outcome, encodeSoap(version, operation, outcome))
  );
}

/** The answers of constant outcomes ([901], not implemented, store outages), per version and operation. */
const CONSTANT_ANSWERS = new WeakMap<SoapVersion, ConstantAnswers>();

function constantAnswersOf(version: SoapVersion): ConstantAnswers {
  let answers = CONSTANT_ANSWERS.get(version);
  if (answers === undefined) CONSTANT_ANSWERS.set(version, (answers = new ConstantAnswers()));
  return answers;
}

function encodeSoap(version: SoapVersion, operation: OperationModel, outcome: CallOutcome): HttpAnswer {
  switch (outcome.kind) {
    case 'value':
      return asmxAnswer(
        200,
        version.contentType,
        envelope(version, encodeSoapBody(operation, outcome.value)),
        outcome.code,
      );
    case 'fault':
      return encodeSoapFault(version, {
        code: outcome.code,
        status: 500,
        fault: outcome.faultCode,
        message: `System.Web.Services.Protocols.SoapException: ${outcome.message}`,
      });
    case 'exception':
      // ASMX wraps what the method threw: the fault names the inner exception (no stack trace here).
      return encodeSoapFault(version, {
        code: outcome.code,
        status: 500,
        fault: 'Server',
        message: `System.Web.Services.Protocols.SoapException: Server was unable to process request. ---> ${outcome.type}: ${outcome.message}`,
      });
    case 'refused':
      return plainError(outcome.error);
    case 'storeUnavailable':
      // A store outage is no answer of the service: SOAP clients get a soap:Server fault.
      return encodeSoapFault(version, ProtocolErrors.storeUnavailable(outcome.error));
  }
}

export function encodeSoapFault(version: SoapVersion, error: ProtocolError): HttpAnswer {
  const answer = asmxAnswer(error.status, version.contentType, version.renderFault(error));
  return {
    ...answer,
    outcome: error.code,
    // Refusals made before the method ran carry ASMX's shorter Cache-Control.
    ...(error.preInvoke ? { headers: { ...answer.headers, 'Cache-Control': PRE_INVOKE_CACHE_CONTROL } } : {}),
  };
}

/** Invalid base64 in an argument: 400 with no body, as ASMX answers an XmlException while reading. */
export function soapBadRequest(version: SoapVersion): HttpAnswer {
  const answer = asmxAnswer(400, version.contentType, '');
  return {
    ...answer,
    outcome: 'P_BAD_BASE64',
    headers: { ...answer.headers, 'Cache-Control': PRE_INVOKE_CACHE_CONTROL },
  };
}
