import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';

const NS = {
  wsdl: 'http://schemas.xmlsoap.org/wsdl/',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  soap11: 'http://schemas.xmlsoap.org/wsdl/soap/',
  soap12: 'http://schemas.xmlsoap.org/wsdl/soap12/',
  http: 'http://schemas.xmlsoap.org/wsdl/http/',
} as const;

export interface OperationDescription {
  readonly name: string;
  readonly documentation: string;
  /** Parameter names in WSDL order (the request element's sequence). */
  readonly params: readonly string[];
  readonly soapAction: string;
  readonly soap12Action: string;
}

/** Everything the transports need to know about the service, derived from the WSDL file. */
export interface ServiceDescription {
  readonly serviceName: string;
  readonly targetNamespace: string;
  readonly soapBindingName: string;
  readonly soap12BindingName: string;
  readonly operations: readonly OperationDescription[];
  readonly byName: ReadonlyMap<string, OperationDescription>;
  /** Lower-cased name → operation, to tell a wrong-case name from an unknown one as ASMX does. */
  readonly byLowerCaseName: ReadonlyMap<string, OperationDescription>;
  readonly bySoapAction: ReadonlyMap<string, OperationDescription>;
  readonly bySoap12Action: ReadonlyMap<string, OperationDescription>;
  /** The WSDL text with every port address pointing at `serviceUrl`. */
  renderWsdl(serviceUrl: string): string;
}

type Node = Record<string, unknown>;

/** The WSDL is parsed with every element as an array so single and repeated children look alike. */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
});

export function loadServiceDescription(path: string): ServiceDescription {
  return parseServiceDescription(readFileSync(path, 'utf8'));
}

export function parseServiceDescription(wsdlText: string): ServiceDescription {
  const document = parser.parse(wsdlText) as Node;
  const rootName = Object.keys(document).find((key) => localName(key) === 'definitions');
  if (!rootName) throw new Error('WSDL has no definitions element');
  const definitions = firstChild(document, rootName);
  const prefixes = namespacePrefixes(definitions);
  const q = (ns: string, local: string) => qualify(prefixes, ns, local);
  const targetNamespace = attr(definitions, 'targetNamespace');

  const schemaElements = children(definitions, q(NS.wsdl, 'types'))
    .flatMap((types) => children(types, q(NS.xsd, 'schema')))
    .flatMap((schema) => children(schema, q(NS.xsd, 'element')));
  const messages = children(definitions, q(NS.wsdl, 'message'));
  const portTypes = children(definitions, q(NS.wsdl, 'portType'));
  const bindings = children(definitions, q(NS.wsdl, 'binding'));

  const soap11Binding = bindings.find((b) => children(b, q(NS.soap11, 'binding')).length > 0);
  const soap12Binding = bindings.find((b) => children(b, q(NS.soap12, 'binding')).length > 0);
  if (!soap11Binding || !soap12Binding) throw new Error('WSDL must define a SOAP 1.1 and a SOAP 1.2 binding');
  const portType = portTypes.find((p) => attr(p, 'name') === localName(attr(soap11Binding, 'type')));
  if (!portType) throw new Error('WSDL SOAP binding refers to a missing portType');

  const actionsOf = (binding: Node, soapNs: string) =>
    new Map(
      children(binding, q(NS.wsdl, 'operation')).map((op) => [
        attr(op, 'name'),
        attr(firstChild(op, q(soapNs, 'operation')), 'soapAction'),
      ]),
    );
  const soap11Actions = actionsOf(soap11Binding, NS.soap11);
  const soap12Actions = actionsOf(soap12Binding, NS.soap12);

  const operations = children(portType, q(NS.wsdl, 'operation')).map((op): OperationDescription => {
    const name = attr(op, 'name');
    const inputMessage = localName(attr(firstChild(op, q(NS.wsdl, 'input')), 'message'));
    const message = messages.find((m) => attr(m, 'name') === inputMessage);
    const part = message && firstChild(message, q(NS.wsdl, 'part'));
    const requestElement = part && schemaElements.find((e) => attr(e, 'name') === localName(attr(part, 'element')));
    if (!requestElement) throw new Error(`WSDL operation "${name}" has no request element`);
    const params = children(requestElement, q(NS.xsd, 'complexType'))
      .flatMap((t) => children(t, q(NS.xsd, 'sequence')))
      .flatMap((s) => children(s, q(NS.xsd, 'element')))
      .map((e) => attr(e, 'name'));
    const documentation = children(op, q(NS.wsdl, 'documentation'))
      .map((d) => textOf(d))
      .join('');
    const soapAction = soap11Actions.get(name);
    const soap12Action = soap12Actions.get(name);
    if (!soapAction || !soap12Action) throw new Error(`WSDL operation "${name}" has no SOAPAction in both SOAP bindings`);
    return { name, documentation, params, soapAction, soap12Action };
  });

  const service = firstChild(definitions, q(NS.wsdl, 'service'));
  const addresses = new Set(
    children(service, q(NS.wsdl, 'port')).flatMap((port) =>
      Object.entries(port)
        .filter(([key]) => localName(key) === 'address')
        .flatMap(([, value]) => (value as Node[]).map((address) => attr(address, 'location'))),
    ),
  );

  return {
    serviceName: attr(service, 'name'),
    targetNamespace,
    soapBindingName: attr(soap11Binding, 'name'),
    soap12BindingName: attr(soap12Binding, 'name'),
    operations,
    byName: new Map(operations.map((o) => [o.name, o])),
    byLowerCaseName: new Map(operations.map((o) => [o.name.toLowerCase(), o])),
    bySoapAction: new Map(operations.map((o) => [o.soapAction, o])),
    bySoap12Action: new Map(operations.map((o) => [o.soap12Action, o])),
    renderWsdl: addressRewriter(wsdlText, [...addresses]),
  };
}

/** Refuses a WSDL that declares an operation the emulator cannot serve. */
export function assertEveryOperationHandled(description: ServiceDescription, handlers: Readonly<Record<string, unknown>>): void {
  for (const operation of description.operations) {
    if (!Object.hasOwn(handlers, operation.name)) {
      throw new Error(`WSDL operation "${operation.name}" has no handler; refusing to start`);
    }
  }
}

/**
 * Splits the WSDL text around its `location="..."` attributes once, so serving it is a join.
 * The split is on the exact attribute text the parser reported, not a pattern.
 */
function addressRewriter(wsdlText: string, addresses: string[]): (serviceUrl: string) => string {
  const marker = 'location="\u0000"';
  const marked = addresses.reduce((text, address) => text.split(`location="${address}"`).join(marker), wsdlText);
  const pieces = marked.split(marker);
  return (serviceUrl) => pieces.join(`location="${serviceUrl}"`);
}

function namespacePrefixes(element: Node): Map<string, string> {
  const map = new Map<string, string>();
  for (const [key, value] of Object.entries(element)) {
    if (key.startsWith('@xmlns:')) map.set(String(value), key.slice('@xmlns:'.length));
  }
  return map;
}

function qualify(prefixes: Map<string, string>, ns: string, local: string): string {
  const prefix = prefixes.get(ns);
  return prefix ? `${prefix}:${local}` : local;
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

function children(node: Node, name: string): Node[] {
  const value = node[name];
  return Array.isArray(value) ? (value as Node[]) : [];
}

function firstChild(node: Node, qname: string): Node {
  const found = children(node, qname)[0];
  if (!found) throw new Error(`WSDL is missing a ${qname} element`);
  return found;
}

function attr(node: Node, name: string): string {
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : '';
}

function textOf(node: Node): string {
  const text = node['#text'];
  return Array.isArray(text) ? text.join('') : typeof text === 'string' ? text : '';
}
