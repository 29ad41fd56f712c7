import { readFileSync } from 'node:fs';
import {
  UnsupportedWsdlError,
  type MemberModel,
  type OperationModel,
  type Protocol,
  type QName,
  type ServiceModel,
} from './model';
import { NS } from './namespaces';
import { addressRewriter } from './wsdlAddresses';
import { XmlElement } from './xmlTree';
import { SchemaSet } from './xsdTypes';

/** Reads a WSDL file (UTF-8) into the service model; `path` names it in error messages. */
export function loadWsdl(path: string): ServiceModel {
  return readWsdl(readFileSync(path, 'utf8'), path);
}

/**
 * Reads a WSDL 1.1 document and its inline XSD schemas into the service model, refusing (with an
 * UnsupportedWsdlError naming the construct, where it is and `source`) anything the emulator
 * cannot serve: only document/literal SOAP operations over the types XmlSerializer writes.
 */
export function readWsdl(wsdlText: string, source = 'WSDL'): ServiceModel {
  return new WsdlReader(wsdlText, source).read();
}

/** The four bindings ASMX writes; a binding of another kind is ignored. */
interface Bindings {
  readonly soap11?: XmlElement;
  readonly soap12?: XmlElement;
  readonly httpGet?: XmlElement;
  readonly httpPost?: XmlElement;
}

const PROTOCOLS: readonly Protocol[] = ['soap11', 'soap12', 'httpGet', 'httpPost'];

/** The namespaces of the port address elements (soap:address, soap12:address, http:address). */
const ADDRESS_NAMESPACES: ReadonlySet<string> = new Set([NS.soap11, NS.soap12, NS.http]);

/** A portType operation with the name the model gives it. */
interface PortTypeOperation {
  readonly node: XmlElement;
  readonly name: string;
}

class WsdlReader {
  private readonly definitions: XmlElement;
  private readonly targetNamespace: string;
  private readonly messages = new Map<string, XmlElement>();
  private readonly portTypes = new Map<string, XmlElement>();
  private readonly schemas: SchemaSet;
  private readonly operationsOfPortType = new Map<XmlElement, PortTypeOperation[]>();

  constructor(
    private readonly wsdlText: string,
    private readonly source: string,
  ) {
    this.definitions = XmlElement.parse(wsdlText, source);
    if (!this.definitions.is(NS.wsdl, 'definitions')) {
      this.refuse(`the root element <${this.definitions.tag}>`, 'not a WSDL 1.1 wsdl:definitions');
    }
    this.targetNamespace = this.definitions.attr('targetNamespace') ?? '';
    for (const wsdlImport of this.definitions.childrenNamed(NS.wsdl, 'import')) {
      this.refuse(
        'wsdl:import',
        `importing ${wsdlImport.attr('location') ?? wsdlImport.attr('namespace') ?? ''} is not supported (external files)`,
      );
    }
    for (const message of this.definitions.childrenNamed(NS.wsdl, 'message')) {
      this.messages.set(message.attr('name') ?? '', message);
    }
    for (const portType of this.definitions.childrenNamed(NS.wsdl, 'portType')) {
      this.portTypes.set(portType.attr('name') ?? '', portType);
    }
    const schemaElements = this.definitions
      .childrenNamed(NS.wsdl, 'types')
      .flatMap((types) => types.childrenNamed(NS.xsd, 'schema'));
    this.schemas = new SchemaSet(schemaElements, source);
  }

  read(): ServiceModel {
    const bindings = this.bindings();
    const soapBinding = bindings.soap11 ?? bindings.soap12;
    if (!soapBinding) {
      this.refuse('wsdl:binding', 'no SOAP binding (a binding with soap:binding or soap12:binding)');
    }
    const portType = this.portTypeOf(soapBinding);
    if (bindings.soap11 && bindings.soap12 && this.portTypeOf(bindings.soap12) !== portType) {
      this.refuse(
        `binding "${bindings.soap12.attr('name')}"`,
        `the SOAP 1.2 binding's portType differs from the SOAP 1.1 binding's "${portType.attr('name')}"`,
      );
    }
    const portTypeOperations = this.operationNames(portType);
    const bindingOperations = this.bindingOperations(bindings, portTypeOperations);

    const operations = portTypeOperations.map((operation) =>
      this.operation(operation, bindings, bindingOperations),
    );
    const service = this.service();
    return {
      name: service.attr('name') ?? '',
      targetNamespace: this.targetNamespace,
      soapBindingName: bindings.soap11?.attr('name') ?? '',
      soap12BindingName: bindings.soap12?.attr('name') ?? '',
      operations,
      byName: new Map(operations.map((o) => [o.name, o])),
      // Names differing only in case keep the first operation in portType order.
      byLowerCaseName: firstByKey(operations, (o) => o.name.toLowerCase()),
      bySoapAction: this.byAction(operations, 'soap11', (o) => o.soapAction),
      bySoap12Action: this.byAction(operations, 'soap12', (o) => o.soap12Action),
      renderWsdl: addressRewriter(this.wsdlText, this.portAddresses(service), this.source),
    };
  }

  /** The SOAP 1.1, SOAP 1.2, HttpGet and HttpPost bindings, by the extension element they hold. */
  private bindings(): Bindings {
    const found: { -readonly [P in Protocol]?: XmlElement } = {};
    for (const binding of this.definitions.childrenNamed(NS.wsdl, 'binding')) {
      const soap11 = binding.child(NS.soap11, 'binding');
      const soap12 = binding.child(NS.soap12, 'binding');
      const http = binding.child(NS.http, 'binding');
      const protocol: Protocol | undefined = soap11
        ? 'soap11'
        : soap12
          ? 'soap12'
          : http?.attr('verb') === 'GET'
            ? 'httpGet'
            : http?.attr('verb') === 'POST'
              ? 'httpPost'
              : undefined;
      if (!protocol) continue;
      const where = `binding "${binding.attr('name')}"`;
      if (found[protocol]) {
        this.refuse(
          where,
          `a second ${protocol} binding (after "${found[protocol].attr('name')}") is not supported`,
        );
      }
      const style = (soap11 ?? soap12)?.attr('style');
      if (style === 'rpc') this.refuse(where, 'style="rpc" is not supported (only document/literal)');
      found[protocol] = binding;
    }
    return found;
  }

  private portTypeOf(binding: XmlElement): XmlElement {
    const where = `binding "${binding.attr('name')}"`;
    const type = this.resolve(binding.attr('type') ?? '', binding, where);
    const portType = type.namespace === this.targetNamespace ? this.portTypes.get(type.name) : undefined;
    if (!portType) this.refuse(where, `portType ${binding.attr('type') ?? '(none)'} is not declared`);
    return portType;
  }

  /**
   * The portType's operations with their model names. Overloaded web methods share the operation
   * name and are told apart by their input's name, ASMX's MessageName (also the name of their
   * request element and HTTP path), which then names the operation in the model.
   */
  private operationNames(portType: XmlElement): PortTypeOperation[] {
    const known = this.operationsOfPortType.get(portType);
    if (known) return known;
    const nodes = portType.childrenNamed(NS.wsdl, 'operation');
    const count = (name: string) => nodes.filter((node) => node.attr('name') === name).length;
    const operations = nodes.map((node): PortTypeOperation => {
      const name = node.attr('name') ?? '';
      const messageName = node.child(NS.wsdl, 'input')?.attr('name');
      return { node, name: count(name) > 1 && messageName ? messageName : name };
    });
    const seen = new Set<string>();
    for (const { name } of operations) {
      if (seen.has(name)) {
        this.refuse(
          `portType "${portType.attr('name')}"`,
          `two operations named "${name}" (overloads need distinct MessageNames)`,
        );
      }
      seen.add(name);
    }
    this.operationsOfPortType.set(portType, operations);
    return operations;
  }

  /** For each protocol, model operation name → binding operation; every binding operation must be in the portType. */
  private bindingOperations(
    bindings: Bindings,
    operations: readonly PortTypeOperation[],
  ): ReadonlyMap<Protocol, ReadonlyMap<string, XmlElement>> {
    const result = new Map<Protocol, Map<string, XmlElement>>();
    for (const protocol of PROTOCOLS) {
      const binding = bindings[protocol];
      if (!binding) continue;
      const byName = new Map<string, XmlElement>();
      for (const node of binding.childrenNamed(NS.wsdl, 'operation')) {
        const operation = matchOperation(operations, node);
        if (!operation) {
          this.refuse(
            `binding "${binding.attr('name')}" operation "${node.attr('name')}"`,
            "not an operation of the SOAP binding's portType",
          );
        }
        if (byName.has(operation.name)) {
          this.refuse(`binding "${binding.attr('name')}"`, `operation "${operation.name}" is bound twice`);
        }
        byName.set(operation.name, node);
      }
      result.set(protocol, byName);
    }
    return result;
  }

  private operation(
    operation: PortTypeOperation,
    bindings: Bindings,
    bindingOperations: ReadonlyMap<Protocol, ReadonlyMap<string, XmlElement>>,
  ): OperationModel {
    const { node, name } = operation;
    const where = `operation "${name}"`;
    const bound = (protocol: Protocol) => bindingOperations.get(protocol)?.get(name);
    const protocols = new Set(PROTOCOLS.filter((protocol) => bound(protocol)));
    const soapAction = this.soapOperation(bound('soap11'), NS.soap11, where);
    const soap12Action = this.soapOperation(bound('soap12'), NS.soap12, where);

    const input = this.soapPart(node, 'input', where);
    const output = this.soapPart(node, 'output', where);
    const request = this.schemas.wrapper(
      input.reference,
      input.part,
      `${where} request`,
      (param) => `${where} parameter "${param}"`,
    );
    const response = this.schemas.wrapper(
      output.reference,
      output.part,
      `${where} response`,
      (member) => `${where} result "${member}"`,
    );
    if (response.members.length > 1) {
      this.refuse(
        `${where} response element ${output.reference}`,
        `${response.members.length} members (out or ref parameters) are not supported; a result is one member or none`,
      );
    }
    const result: MemberModel | undefined = response.members[0];

    const httpProtocol = protocols.has('httpGet')
      ? 'httpGet'
      : protocols.has('httpPost')
        ? 'httpPost'
        : undefined;
    const httpBinding = httpProtocol && bindings[httpProtocol];
    const httpOperation = httpProtocol && bound(httpProtocol);
    return {
      name,
      documentation: node
        .childrenNamed(NS.wsdl, 'documentation')
        .map((d) => d.text)
        .join(''),
      protocols,
      soapAction,
      soap12Action,
      requestElement: request.element,
      responseElement: response.element,
      params: request.members,
      result,
      httpResultElement:
        httpBinding && httpOperation ? this.httpResultElement(httpBinding, httpOperation, where) : undefined,
    };
  }

  /** The soapAction of a SOAP binding operation ('' when unbound); refuses rpc style, encoded use and SOAP headers. */
  private soapOperation(bindingOperation: XmlElement | undefined, soapNs: string, where: string): string {
    if (!bindingOperation) return '';
    const soapOperation = bindingOperation.child(soapNs, 'operation');
    if (soapOperation?.attr('style') === 'rpc') {
      this.refuse(where, 'style="rpc" is not supported (only document/literal)');
    }
    for (const direction of ['input', 'output'] as const) {
      const message = bindingOperation.child(NS.wsdl, direction);
      for (const extension of message?.children ?? []) {
        if (extension.namespace !== soapNs) continue;
        if (extension.localName === 'header' || extension.localName === 'headerfault') {
          this.refuse(`${where} ${direction}`, `soap:${extension.localName} (SOAP headers) is not supported`);
        }
        if (extension.attr('use') === 'encoded') {
          this.refuse(`${where} ${direction}`, 'use="encoded" is not supported (only document/literal)');
        }
      }
    }
    return soapOperation?.attr('soapAction') ?? '';
  }

  /** The single `element=` part of a SOAP portType operation's input or output message. */
  private soapPart(operation: XmlElement, direction: 'input' | 'output', where: string) {
    const ioWhere = `${where} ${direction}`;
    const io = operation.child(NS.wsdl, direction);
    if (!io) {
      this.refuse(
        where,
        direction === 'output' ? 'a one-way operation (no output) is not supported' : 'no input',
      );
    }
    const message = this.message(io, ioWhere);
    const parts = message.childrenNamed(NS.wsdl, 'part');
    const messageWhere = `${ioWhere} message "${message.attr('name')}"`;
    const part = parts[0];
    if (!part || parts.length > 1) {
      this.refuse(
        messageWhere,
        `${parts.length} parts; a document/literal SOAP message has exactly one element= part`,
      );
    }
    const reference = part.attr('element');
    if (reference === undefined) {
      const type = part.attr('type');
      this.refuse(
        `${messageWhere} part "${part.attr('name')}"`,
        type === undefined
          ? 'a part without element= is not supported'
          : `type="${type}" is not supported in a SOAP message (rpc style); a part needs element=`,
      );
    }
    return { part, reference };
  }

  private message(io: XmlElement, where: string): XmlElement {
    const reference = io.attr('message');
    if (reference === undefined) this.refuse(where, 'no message=');
    const qname = this.resolve(reference, io, where);
    const message = qname.namespace === this.targetNamespace ? this.messages.get(qname.name) : undefined;
    if (!message) this.refuse(where, `message ${reference} is not declared`);
    return message;
  }

  /**
   * The root element of a result over HTTP GET/POST: the element of the HTTP output message's
   * part (`<wsdl:part name="Body" element="tns:int" />`). None when the part is untyped (an
   * XmlNode result, `mime:content type="text/xml"`) or the output is empty (void).
   */
  private httpResultElement(
    binding: XmlElement,
    bindingOperation: XmlElement,
    where: string,
  ): (QName & { readonly nillable: boolean }) | undefined {
    const operation = matchOperation(this.operationNames(this.portTypeOf(binding)), bindingOperation);
    const httpWhere = `${where} (binding "${binding.attr('name')}")`;
    if (!operation) this.refuse(httpWhere, `not an operation of portType ${binding.attr('type')}`);
    const output = operation.node.child(NS.wsdl, 'output');
    if (!output || output.attr('message') === undefined) return undefined;
    const message = this.message(output, `${httpWhere} output`);
    const typed = message.childrenNamed(NS.wsdl, 'part').filter((part) => part.attr('element') !== undefined);
    const part = typed[0];
    if (!part) return undefined;
    if (typed.length > 1) {
      this.refuse(`${httpWhere} output message "${message.attr('name')}"`, 'more than one element= part');
    }
    return this.schemas.globalElement(
      part.attr('element') ?? '',
      part,
      `${httpWhere} output part "${part.attr('name')}"`,
    );
  }

  private service(): XmlElement {
    const services = this.definitions.childrenNamed(NS.wsdl, 'service');
    const service = services[0];
    if (!service || services.length > 1) {
      this.refuse('wsdl:service', `${services.length} services; exactly one is supported`);
    }
    return service;
  }

  /** The `location` of every port's soap:address, soap12:address or http:address. */
  private portAddresses(service: XmlElement): string[] {
    return service.childrenNamed(NS.wsdl, 'port').flatMap((port) =>
      port.children
        .filter((c) => c.localName === 'address' && ADDRESS_NAMESPACES.has(c.namespace))
        .flatMap((address) => {
          const location = address.attr('location');
          return location === undefined ? [] : [location];
        }),
    );
  }

  /** soapAction → operation for the operations of one SOAP binding; ASMX dispatches on it, so it must be unique. */
  private byAction(
    operations: readonly OperationModel[],
    protocol: 'soap11' | 'soap12',
    action: (operation: OperationModel) => string,
  ): ReadonlyMap<string, OperationModel> {
    const map = new Map<string, OperationModel>();
    for (const operation of operations.filter((o) => o.protocols.has(protocol))) {
      const other = map.get(action(operation));
      if (other) {
        this.refuse(
          `operation "${operation.name}"`,
          `soapAction "${action(operation)}" is also operation "${other.name}"'s (${protocol}); routing needs distinct actions`,
        );
      }
      map.set(action(operation), operation);
    }
    return map;
  }

  private resolve(reference: string, at: XmlElement, where: string): QName {
    const qname = at.resolveQName(reference);
    if (!qname) this.refuse(where, `the prefix of ${reference} is not declared`);
    return qname;
  }

  private refuse(where: string, what: string): never {
    throw new UnsupportedWsdlError(`${this.source}: ${where}: ${what}`);
  }
}

/** The portType operation a binding operation binds: by name, then by input name among overloads. */
function matchOperation(operations: readonly PortTypeOperation[], bindingOperation: XmlElement) {
  const candidates = operations.filter((o) => o.node.attr('name') === bindingOperation.attr('name'));
  if (candidates.length <= 1) return candidates[0];
  const inputName = bindingOperation.child(NS.wsdl, 'input')?.attr('name');
  return candidates.find((o) => o.node.child(NS.wsdl, 'input')?.attr('name') === inputName);
}

function firstByKey<T>(items: readonly T[], keyOf: (item: T) => string): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const item of items) if (!map.has(keyOf(item))) map.set(keyOf(item), item);
  return map;
}
