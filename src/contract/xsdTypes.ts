import {
  UnsupportedWsdlError,
  type ArrayType,
  type ComplexType,
  type MemberModel,
  type PrimitiveName,
  type QName,
  type TypeModel,
} from './model';
import { NS } from './namespaces';
import type { XmlElement } from './xmlTree';

/** The XML Schema built-ins XmlSerializer maps to .NET primitives (`s:duration`, `s:QName`… are not among them). */
const XSD_PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveName>([
  'string',
  'boolean',
  'byte',
  'unsignedByte',
  'short',
  'unsignedShort',
  'int',
  'unsignedInt',
  'long',
  'unsignedLong',
  'float',
  'double',
  'decimal',
  'dateTime',
  'base64Binary',
]);

/** Microsoft's types: ASMX declares them as restrictions of s:string / s:unsignedShort, but they are .NET's Guid and Char. */
const MICROSOFT_PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveName>(['guid', 'char']);

const SUPPORTED =
  '(supported: ' +
  [...XSD_PRIMITIVES].join(', ') +
  ', s1:guid, s1:char, enumerations of s:string, ArrayOf sequences, complex types with a sequence, XmlNode)';

interface Schema {
  readonly targetNamespace: string;
  /** elementFormDefault="qualified": local elements are in the target namespace (ASMX always writes it). */
  readonly qualified: boolean;
}

interface Declaration {
  readonly node: XmlElement;
  readonly schema: Schema;
}

/** A global element: what a message part or a `ref=` names. */
export interface GlobalElement extends QName {
  readonly nillable: boolean;
}

/** The members of a request or response wrapper element. */
export interface WrapperElement {
  readonly element: QName;
  readonly members: readonly MemberModel[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const XML_NODE: TypeModel = { kind: 'xmlNode' };

const key = (qname: QName) => `{${qname.namespace}}${qname.name}`;

/**
 * The `s:schema` elements of a WSDL, resolved lazily from what the operations reach: a type no
 * operation uses may contain anything. Named types are cached by QName and created before their
 * members are read, so types may refer to each other in any order and recursively.
 */
export class SchemaSet {
  private readonly elements = new Map<string, Declaration[]>();
  /** complexType and simpleType names share one symbol space in XSD. */
  private readonly types = new Map<string, Declaration[]>();
  private readonly resolved = new Map<string, TypeModel>();
  /** Named simple types being read: a restriction of itself would never end. */
  private readonly simpleTypesInProgress = new Set<string>();

  constructor(
    schemas: readonly XmlElement[],
    private readonly source: string,
  ) {
    for (const node of schemas) {
      const schema: Schema = {
        targetNamespace: node.attr('targetNamespace') ?? '',
        qualified: node.attr('elementFormDefault') === 'qualified',
      };
      for (const child of node.children) {
        if (child.namespace !== NS.xsd) continue;
        const name = child.attr('name');
        switch (child.localName) {
          case 'import':
            if (child.attr('schemaLocation') !== undefined) {
              this.refuse(
                `schema ${schema.targetNamespace}`,
                `s:import of namespace ${child.attr('namespace') ?? '(none)'} with schemaLocation="${child.attr('schemaLocation')}" is not supported (external schema files)`,
              );
            }
            break;
          case 'include':
          case 'redefine':
            this.refuse(
              `schema ${schema.targetNamespace}`,
              `s:${child.localName} of schemaLocation="${child.attr('schemaLocation') ?? ''}" is not supported (external schema files)`,
            );
            break;
          case 'element':
            if (name !== undefined)
              add(this.elements, { namespace: schema.targetNamespace, name }, child, schema);
            break;
          case 'complexType':
          case 'simpleType':
            if (name !== undefined)
              add(this.types, { namespace: schema.targetNamespace, name }, child, schema);
            break;
        }
      }
    }
  }

  /** A global element named by a QName attribute (`element="tns:int"`), without reading its type. */
  globalElement(reference: string, at: XmlElement, where: string): GlobalElement {
    const { qname, declaration } = this.lookupElement(reference, at, where);
    return { ...qname, nillable: xsdBoolean(declaration.node.attr('nillable')) };
  }

  /** A request or response element: a global element whose (anonymous or named) type is a sequence. */
  wrapper(
    reference: string,
    at: XmlElement,
    where: string,
    memberWhere: (name: string) => string,
  ): WrapperElement {
    const { qname, declaration } = this.lookupElement(reference, at, where);
    const elementWhere = `${where}, element ${reference}`;
    const node = declaration.node;
    const anonymous = node.child(NS.xsd, 'complexType');
    if (anonymous) {
      // The wrappers' own members are read here so each gets its operation's context (`parameter "x"`).
      if (anonymous.attr('mixed') === 'true') {
        this.refuse(elementWhere, 'a mixed wrapper element is not supported');
      }
      const members: MemberModel[] = [];
      const sequence = this.contentModel(anonymous, elementWhere);
      this.readSequence(sequence, declaration.schema, elementWhere, members, memberWhere);
      return { element: qname, members };
    }
    const type = this.typeOfElement(node, declaration.schema, elementWhere, key(qname));
    if (type.kind !== 'complex') {
      this.refuse(elementWhere, `a wrapper element must be a sequence of members, not a ${type.kind} type`);
    }
    return { element: qname, members: type.members };
  }

  private lookupElement(reference: string, at: XmlElement, where: string) {
    const qname = this.resolveQName(reference, at, where);
    const found = this.elements.get(key(qname));
    if (!found) this.refuse(where, `element ${reference} is not declared in the WSDL's schemas`);
    if (found.length > 1) this.refuse(where, `element ${reference} is declared ${found.length} times`);
    return { qname, declaration: found[0] as Declaration };
  }

  /** A local element of a sequence, or a `ref=` to a global one, as a member. */
  private member(node: XmlElement, schema: Schema, where: string): MemberModel {
    const minOccurs = occurs(node.attr('minOccurs'), 'minOccurs');
    const maxOccurs = occurs(node.attr('maxOccurs'), 'maxOccurs');
    if (minOccurs === undefined || maxOccurs === undefined || maxOccurs < minOccurs) {
      this.refuse(
        where,
        `invalid minOccurs="${node.attr('minOccurs')}" / maxOccurs="${node.attr('maxOccurs')}"`,
      );
    }
    const reference = node.attr('ref');
    if (reference !== undefined) {
      const { qname, declaration } = this.lookupElement(reference, node, where);
      this.refuseValueConstraint(declaration.node, where);
      return {
        name: qname.name,
        // A global element is always in its schema's target namespace, whatever elementFormDefault says.
        namespace: qname.namespace,
        type: this.typeOfElement(declaration.node, declaration.schema, where, key(qname)),
        minOccurs,
        maxOccurs,
        nillable: xsdBoolean(declaration.node.attr('nillable')),
      };
    }
    const name = node.attr('name');
    if (name === undefined) this.refuse(where, 'an s:element without name or ref');
    this.refuseValueConstraint(node, where);
    const form = node.attr('form');
    const qualified = form === undefined ? schema.qualified : form === 'qualified';
    return {
      name,
      namespace: qualified ? schema.targetNamespace : '',
      type: this.typeOfElement(node, schema, where, undefined),
      minOccurs,
      maxOccurs,
      nillable: xsdBoolean(node.attr('nillable')),
    };
  }

  /** XmlSerializer leaves out a member equal to its [DefaultValue]; the model has no place for defaults. */
  private refuseValueConstraint(node: XmlElement, where: string): void {
    for (const attribute of ['default', 'fixed']) {
      const value = node.attr(attribute);
      if (value !== undefined) this.refuse(where, `${attribute}="${value}" on an element is not supported`);
    }
  }

  /**
   * The type of an element: `type=`, or an anonymous complexType / simpleType child.
   * `anonymousKey` caches the anonymous type of a global element (a `ref=` cycle goes through it).
   */
  private typeOfElement(
    node: XmlElement,
    schema: Schema,
    where: string,
    anonymousKey: string | undefined,
  ): TypeModel {
    const reference = node.attr('type');
    const complex = node.child(NS.xsd, 'complexType');
    const simple = node.child(NS.xsd, 'simpleType');
    if (reference !== undefined) {
      if (complex || simple) this.refuse(where, 'an element with both type= and an anonymous type');
      return this.resolveType(reference, node, where);
    }
    const anonymous = complex ?? simple;
    if (!anonymous) this.refuse(where, 'an element without a type (s:anyType) is not supported');
    const cacheAs = anonymousKey === undefined ? undefined : `anonymous ${anonymousKey}`;
    const cached = cacheAs === undefined ? undefined : this.resolved.get(cacheAs);
    if (cached) return cached;
    // An anonymous type has no name of its own: it is given its element's (in ASMX's WSDL only
    // wrappers and XmlNode members have anonymous types).
    const owner = { namespace: schema.targetNamespace, name: node.attr('name') ?? '' };
    return complex
      ? this.complexType(complex, schema, owner, where, false, cacheAs)
      : this.simpleType(anonymous, owner, where, cacheAs);
  }

  /** A QName-valued `type=`/`base=`: an XSD primitive, a Microsoft primitive or a declared type. */
  private resolveType(reference: string, at: XmlElement, where: string): TypeModel {
    const qname = this.resolveQName(reference, at, where);
    if (qname.namespace === NS.xsd) {
      if (!XSD_PRIMITIVES.has(qname.name)) {
        this.refuse(where, `type ${reference} is not supported ${SUPPORTED}`);
      }
      return { kind: 'primitive', name: qname.name as PrimitiveName };
    }
    if (qname.namespace === NS.microsoftTypes && MICROSOFT_PRIMITIVES.has(qname.name)) {
      return { kind: 'primitive', name: qname.name as PrimitiveName };
    }
    const cached = this.resolved.get(key(qname));
    if (cached) return cached;
    const found = this.types.get(key(qname));
    if (!found) this.refuse(where, `type ${reference} is not declared in the WSDL's schemas`);
    if (found.length > 1) this.refuse(where, `type ${reference} is declared ${found.length} times`);
    const { node, schema } = found[0] as Declaration;
    const typeWhere = `${where}, type ${reference}`;
    if (node.localName === 'complexType')
      return this.complexType(node, schema, qname, typeWhere, true, key(qname));
    if (this.simpleTypesInProgress.has(key(qname))) {
      this.refuse(typeWhere, 'a simple type derived from itself');
    }
    this.simpleTypesInProgress.add(key(qname));
    const type = this.simpleType(node, qname, typeWhere, key(qname));
    this.simpleTypesInProgress.delete(key(qname));
    return type;
  }

  /**
   * A complexType: XmlNode (a sequence of one s:any), an array (a named type whose sequence is one
   * element with maxOccurs="unbounded") or a class (a sequence of elements). The model object is
   * cached before its members are read so recursive types resolve to it.
   */
  private complexType(
    node: XmlElement,
    schema: Schema,
    qname: QName,
    where: string,
    named: boolean,
    cacheAs: string | undefined,
  ): TypeModel {
    const sequence = this.contentModel(node, where);
    const items = sequence?.children.filter(
      (child) => child.namespace === NS.xsd && child.localName !== 'annotation',
    );
    const only = items?.length === 1 ? items[0] : undefined;
    if (only?.is(NS.xsd, 'any')) {
      // Mixed or not, a sequence of one s:any is how ASMX describes XmlNode and XmlElement.
      if (occurs(only.attr('maxOccurs'), 'maxOccurs') !== 1) {
        this.refuse(where, 's:any with maxOccurs other than 1 (an XmlNode array) is not supported');
      }
      if (cacheAs !== undefined) this.resolved.set(cacheAs, XML_NODE);
      return XML_NODE;
    }
    if (node.attr('mixed') === 'true') {
      this.refuse(where, 'mixed content other than XmlNode is not supported');
    }
    if (named && only?.is(NS.xsd, 'element') && only.attr('maxOccurs') === 'unbounded') {
      // Cached before its item is read (the item's type may contain this array); `item` is set just below.
      const array: Mutable<ArrayType> = {
        kind: 'array',
        ...qname,
        item: undefined as unknown as MemberModel,
      };
      if (cacheAs !== undefined) this.resolved.set(cacheAs, array);
      array.item = this.member(only, schema, `${where}, item "${only.attr('name') ?? only.attr('ref')}"`);
      return array;
    }
    const members: MemberModel[] = [];
    const complex: ComplexType = { kind: 'complex', ...qname, members };
    if (cacheAs !== undefined) this.resolved.set(cacheAs, complex);
    this.readSequence(sequence, schema, where, members, (name) => `${where}, member "${name}"`);
    return complex;
  }

  /** Reads the members of a sequence into `members` (filled after the type is cached). */
  private readSequence(
    sequence: XmlElement | undefined,
    schema: Schema,
    where: string,
    members: MemberModel[],
    memberWhere: (name: string) => string,
  ): void {
    for (const child of sequence?.children ?? []) {
      if (child.is(NS.xsd, 'annotation')) continue;
      if (!child.is(NS.xsd, 'element')) {
        this.refuse(where, `<${child.tag}> in a sequence is not supported (only s:element members)`);
      }
      members.push(this.member(child, schema, memberWhere(child.attr('name') ?? child.attr('ref') ?? '')));
    }
  }

  /** The s:sequence of a complexType (undefined for an empty type); refuses every other content model. */
  private contentModel(node: XmlElement, where: string): XmlElement | undefined {
    let sequence: XmlElement | undefined;
    for (const child of node.children) {
      if (child.namespace !== NS.xsd || child.localName === 'annotation') continue;
      switch (child.localName) {
        case 'sequence':
          if (sequence) this.refuse(where, 'two s:sequence elements');
          if (
            occurs(child.attr('minOccurs'), 'minOccurs') !== 1 ||
            occurs(child.attr('maxOccurs'), 'maxOccurs') !== 1
          ) {
            this.refuse(where, 's:sequence with minOccurs/maxOccurs is not supported');
          }
          sequence = child;
          break;
        case 'complexContent':
        case 'simpleContent': {
          const derivation = child.children.find(
            (c) => c.namespace === NS.xsd && c.localName !== 'annotation',
          );
          const how =
            derivation?.localName === 'extension'
              ? `extension of ${derivation.attr('base') ?? '?'} (inheritance)`
              : `${derivation?.localName ?? 'derivation'} of ${derivation?.attr('base') ?? '?'}`;
          this.refuse(where, `s:${child.localName} ${how} is not supported`);
          break;
        }
        case 'attribute':
        case 'attributeGroup':
        case 'anyAttribute': {
          const name = child.attr('name') ?? child.attr('ref');
          this.refuse(
            where,
            `s:${child.localName}${name ? ` "${name}"` : ''} is not supported (XML attributes)`,
          );
          break;
        }
        default:
          this.refuse(where, `s:${child.localName} is not supported (only s:sequence)`);
      }
    }
    return sequence;
  }

  /** An enumeration of s:string (a .NET enum), or a restriction read as its base type (s1:guid's pattern). */
  private simpleType(node: XmlElement, qname: QName, where: string, cacheAs: string | undefined): TypeModel {
    const derivation = node.children.find((c) => c.namespace === NS.xsd && c.localName !== 'annotation');
    if (!derivation?.is(NS.xsd, 'restriction')) {
      const by = !derivation
        ? 'nothing'
        : derivation.localName === 'list'
          ? 's:list (a [Flags] enum)'
          : `s:${derivation.localName}`;
      this.refuse(where, `s:simpleType by ${by} is not supported (only s:restriction)`);
    }
    const base = derivation.attr('base');
    if (base === undefined) this.refuse(where, 's:restriction without base= is not supported');
    const enumerations = derivation.childrenNamed(NS.xsd, 'enumeration');
    if (enumerations.length === 0) {
      const type = this.resolveType(base, derivation, where);
      if (cacheAs !== undefined) this.resolved.set(cacheAs, type);
      return type;
    }
    const baseName = this.resolveQName(base, derivation, where);
    if (baseName.namespace !== NS.xsd || baseName.name !== 'string') {
      this.refuse(where, `an enumeration of ${base} is not supported (only of s:string)`);
    }
    const type: TypeModel = {
      kind: 'enum',
      ...qname,
      members: enumerations.map((enumeration) => enumeration.attr('value') ?? ''),
    };
    if (cacheAs !== undefined) this.resolved.set(cacheAs, type);
    return type;
  }

  private resolveQName(reference: string, at: XmlElement, where: string): QName {
    const qname = at.resolveQName(reference);
    if (!qname) this.refuse(where, `the prefix of ${reference} is not declared`);
    return qname;
  }

  private refuse(where: string, what: string): never {
    throw new UnsupportedWsdlError(`${this.source}: ${where}: ${what}`);
  }
}

function add(map: Map<string, Declaration[]>, qname: QName, node: XmlElement, schema: Schema): void {
  const list = map.get(key(qname));
  if (list) list.push({ node, schema });
  else map.set(key(qname), [{ node, schema }]);
}

function xsdBoolean(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

/** minOccurs/maxOccurs: 1 when absent, Infinity for "unbounded", undefined when not a count. */
function occurs(value: string | undefined, attribute: 'minOccurs' | 'maxOccurs'): number | undefined {
  if (value === undefined) return 1;
  if (value === 'unbounded' && attribute === 'maxOccurs') return Infinity;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}
