/**
 * XmlSerializer's writing of an operation's result, as ASMX sends it: the content of
 * `<soap:Body>` (SOAP 1.1 and 1.2 alike) and the document of an HTTP GET/POST answer. Pure
 * functions of the service model and the handler's value; no HTTP here.
 *
 * Everything that depends only on the model (tags, namespace declarations, nil and empty forms,
 * the writer of each type) is computed once per operation and type by {@link compileEncoder};
 * a call only walks the value.
 *
 * Rules (see `/work/shared/asmx-reference/typed/README.md`, "Wire facts"):
 * - members in schema order, whatever the order of the object's keys; a member that is absent,
 *   null or undefined is left out of the XML, whatever its type (nillable, or a required value
 *   type: the value says what is written, and a member it does not give is not written);
 * - `""` and `[]` give an empty element `<X />`;
 * - a null array item is `<string xsi:nil="true" />`, for every array;
 * - a null result: left out of `<OpResponse>` (`xsi:nil="true"` when the result element is
 *   nillable with minOccurs=1, as `int?` is), and over GET/POST the root `xsi:nil="true"` when the
 *   root element is nillable; a value type that is not nillable cannot be null (an error);
 * - an element whose namespace differs from the default namespace in scope declares `xmlns="…"`
 *   (after its other attributes, as XmlTextWriter writes it);
 * - XmlNode results are written by `xmlNodeText.ts`.
 */
import type { MemberModel, OperationModel, QName, TypeModel } from '../contract/model';
import { escapeAttribute, escapeText } from '../xml/escape';
import { XML_DECLARATION } from '../xml/rootElement';
import { newlineIndent } from './indent';
import { ResultEncodingError, defaultPrimitiveText, describeValue, primitiveText } from './primitiveText';
import { encodeXmlNodeCompact, encodeXmlNodeIndented, type XmlNodeInput } from './xmlNodeText';

export { ResultEncodingError } from './primitiveText';
export { encodeXmlNodeCompact, encodeXmlNodeIndented, parseXmlNode } from './xmlNodeText';
export type { XmlNodeInput, XmlNodeIndentOptions, XmlNodeWriteOptions } from './xmlNodeText';

export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
export const XSD_NAMESPACE = 'http://www.w3.org/2001/XMLSchema';

/** The namespace declarations XmlSerializer puts on a complex, array or nil root element (xsd first). */
const ROOT_DECLARATIONS = ` xmlns:xsd="${XSD_NAMESPACE}" xmlns:xsi="${XSI_NAMESPACE}"`;

/** `depth` of a writer call for unformatted output (SOAP); otherwise the element's level (0 = root). */
const COMPACT = -1;

/** The content of an element holding a value of one type: `''` when there is none (`<X />`). */
type ContentWriter = (value: unknown, depth: number) => string;

/** A whole element for a value of a member; undefined when the element is left out. */
type ElementWriter = (value: unknown, depth: number) => string | undefined;

/**
 * How a null/undefined value is written: a member of a complex value is left out, an array item is
 * `xsi:nil`, the result depends on its element and type.
 */
type NullRule = 'member' | 'item' | 'result';

/** What {@link compileEncoder} returns. */
export interface ResultEncoder {
  /** The content of `<soap:Body>` for a successful call. */
  soapBody(value: unknown): string;
  /** The body of the HTTP GET/POST answer; undefined for a void operation (empty body, no Content-Type). */
  plainBody(value: unknown): string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Errors

function withPath(error: unknown, segment: string): unknown {
  if (error instanceof ResultEncodingError) error.path.unshift(segment);
  return error;
}

function formatPath(path: readonly string[]): string {
  let text = '';
  for (const segment of path) {
    text += text === '' || segment.charCodeAt(0) === 0x5b ? segment : `.${segment}`;
  }
  return text;
}

/** Rethrows an encoding error with the operation's name and where in the result it happened. */
function rethrow(operation: OperationModel, error: unknown): never {
  if (error instanceof ResultEncodingError) {
    const where = formatPath(error.path);
    throw new ResultEncodingError(
      `${operation.name}: the handler's result cannot be written${where === '' ? '' : ` (at ${where})`}: ${error.message}`,
      { cause: error },
    );
  }
  throw error;
}

// ---------------------------------------------------------------------------------------------
// Writers of types (shared by every operation using the type)

const CONTENT_WRITERS = new WeakMap<TypeModel, Map<string, ContentWriter>>();

/**
 * The writer of the content of an element of `type`, the element being in namespace `ns` (the
 * default namespace its children are written in).
 */
function contentWriter(type: TypeModel, ns: string): ContentWriter {
  let byNamespace = CONTENT_WRITERS.get(type);
  if (byNamespace === undefined) {
    byNamespace = new Map();
    CONTENT_WRITERS.set(type, byNamespace);
  }
  const known = byNamespace.get(ns);
  if (known !== undefined) return known;
  // Types may refer to themselves (directly or through arrays): whoever asks for this type while
  // it is being compiled gets a forwarder to the writer being built.
  const slot: { writer?: ContentWriter } = {};
  byNamespace.set(ns, (value, depth) => (slot.writer as ContentWriter)(value, depth));
  const compiled = compileContent(type, ns);
  slot.writer = compiled;
  byNamespace.set(ns, compiled);
  return compiled;
}

function compileContent(type: TypeModel, ns: string): ContentWriter {
  switch (type.kind) {
    case 'primitive': {
      const name = type.name;
      if (name === 'boolean') return (value) => primitiveText(name, value);
      return (value) => {
        const text = primitiveText(name, value);
        return isPlainText(text) ? text : escapeText(text);
      };
    }
    case 'enum':
      return compileEnum(type.name, type.members);
    case 'complex':
      return compileComplex(type.name, type.members, ns);
    case 'array':
      return compileArray(type.item, ns);
    case 'xmlNode':
      return compileXmlNode(ns);
    default:
      throw new ResultEncodingError(`unknown type kind ${String((type as { kind: unknown }).kind)}`);
  }
}

/**
 * Whether escapeText leaves the text as it is, decided by a plain scan: no C0 control, `&`, `<`,
 * `>`, and nothing from U+D800 up (surrogates, U+FFFE/U+FFFF, which the escaper drops or keeps
 * by rules of its own). Names, paths, numbers and dates pass; anything else takes escapeText.
 */
function isPlainText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x26 || code === 0x3c || code === 0x3e || code >= 0xd800) return false;
  }
  return true;
}

function compileEnum(typeName: string, members: readonly string[]): ContentWriter {
  const texts = members.map(escapeText);
  const index = new Map(members.map((member, i) => [member, i]));
  return (value) => {
    if (typeof value === 'string') {
      const i = index.get(value);
      if (i !== undefined) return texts[i] as string;
    } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < texts.length) {
      return texts[value] as string;
    }
    throw new ResultEncodingError(
      `expected a member of ${typeName} (${members.join(', ')}) or its index, got ${describeValue(value)}`,
    );
  };
}

function compileComplex(typeName: string, members: readonly MemberModel[], ns: string): ContentWriter {
  const names = members.map((member) => member.name);
  const writers = members.map((member) => compileMember(member, ns, 'member', member.name));
  const count = writers.length;
  return (value, depth) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ResultEncodingError(`expected an object for ${typeName}, got ${describeValue(value)}`);
    }
    const record = value as Record<string, unknown>;
    let out = '';
    if (depth < 0) {
      for (let i = 0; i < count; i++) {
        const element = (writers[i] as ElementWriter)(record[names[i] as string], COMPACT);
        if (element !== undefined) out += element;
      }
      return out;
    }
    const childDepth = depth + 1;
    const newline = newlineIndent(childDepth);
    for (let i = 0; i < count; i++) {
      const element = (writers[i] as ElementWriter)(record[names[i] as string], childDepth);
      if (element !== undefined) out += newline + element;
    }
    return out === '' ? '' : out + newlineIndent(depth);
  };
}

function compileArray(item: MemberModel, ns: string): ContentWriter {
  const writeItem = compileMember(item, ns, 'item', undefined);
  return (value, depth) => {
    if (!Array.isArray(value))
      throw new ResultEncodingError(`expected an array, got ${describeValue(value)}`);
    const childDepth = depth < 0 ? COMPACT : depth + 1;
    const newline = depth < 0 ? '' : newlineIndent(childDepth);
    let out = '';
    for (let i = 0; i < value.length; i++) {
      let element: string | undefined;
      try {
        element = writeItem(value[i], childDepth);
      } catch (error) {
        throw withPath(error, `[${i}]`);
      }
      if (element !== undefined) out += newline + element;
    }
    return out === '' || depth < 0 ? out : out + newlineIndent(depth);
  };
}

/** An XmlNode inside an element of namespace `ns` (`<OpResult>`): it declares `xmlns=""` when `ns` is not empty. */
function compileXmlNode(ns: string): ContentWriter {
  const compact = { inScopeNamespace: ns };
  return (value, depth) => {
    if (depth < 0) return encodeXmlNodeCompact(value as XmlNodeInput, compact);
    const node = encodeXmlNodeIndented(value as XmlNodeInput, { depth: depth + 1, inScopeNamespace: ns });
    return newlineIndent(depth + 1) + node + newlineIndent(depth);
  };
}

/**
 * Whether the type is a .NET value type, which has no null unless declared nullable (`int?`,
 * nillable="true"): every primitive but string and base64Binary (byte[]), and enums.
 */
export function isValueType(type: TypeModel): boolean {
  if (type.kind === 'enum') return true;
  return type.kind === 'primitive' && defaultPrimitiveText(type.name) !== undefined;
}

const THROW = Symbol('throw');

/**
 * The writer of the element of a member (or array item, or result) written inside an element of
 * namespace `parentNs`. `pathSegment` names it in error messages (undefined for array items,
 * whose index is added by the array).
 */
function compileMember(
  member: MemberModel,
  parentNs: string,
  nullRule: NullRule,
  pathSegment: string | undefined,
): ElementWriter {
  const namespaceDeclaration =
    member.namespace === parentNs ? '' : ` xmlns="${escapeAttribute(member.namespace)}"`;
  const open = `<${member.name}${namespaceDeclaration}`;
  const close = `</${member.name}>`;
  const empty = `${open} />`;
  const nil = `<${member.name} xsi:nil="true"${namespaceDeclaration} />`;

  let onNull: string | undefined | typeof THROW;
  if (nullRule === 'item') onNull = nil;
  else if (nullRule === 'member') onNull = undefined;
  else if (member.nillable && member.minOccurs >= 1) onNull = nil;
  else if (member.minOccurs >= 1 && isValueType(member.type)) onNull = THROW;
  else onNull = undefined;

  const content = contentWriter(member.type, member.namespace);
  return (value, depth) => {
    if (value === null || value === undefined) {
      if (onNull === THROW) {
        throw new ResultEncodingError(
          `the result is ${describeValue(value)}, and ${typeLabel(member.type)} cannot be null`,
        );
      }
      return onNull;
    }
    let text: string;
    try {
      text = content(value, depth);
    } catch (error) {
      throw pathSegment === undefined ? error : withPath(error, pathSegment);
    }
    return text === '' ? empty : open + '>' + text + close;
  };
}

function typeLabel(type: TypeModel): string {
  return type.kind === 'primitive' ? type.name : type.kind === 'xmlNode' ? 'XmlNode' : type.name;
}

// ---------------------------------------------------------------------------------------------
// Operations

function compileSoapBody(operation: OperationModel): (value: unknown) => string {
  const response = operation.responseElement;
  const open = `<${response.name}${response.namespace === '' ? '' : ` xmlns="${escapeAttribute(response.namespace)}"`}`;
  const emptyResponse = `${open} />`;
  const result = operation.result;
  if (result === undefined) return () => emptyResponse;
  const writeResult = compileMember(result, response.namespace, 'result', result.name);
  const close = `</${response.name}>`;
  return (value) => {
    const element = writeResult(value, COMPACT);
    return element === undefined ? emptyResponse : open + '>' + element + close;
  };
}

/** The GET/POST root element when the model has none (an operation outside the HTTP bindings). */
function fallbackHttpRoot(
  operation: OperationModel,
  type: TypeModel,
): QName & { readonly nillable: boolean } {
  switch (type.kind) {
    case 'primitive':
      return {
        name: type.name,
        namespace: operation.responseElement.namespace,
        nillable: !isValueType(type),
      };
    case 'enum':
      return { name: type.name, namespace: type.namespace, nillable: false };
    case 'complex':
    case 'array':
      return { name: type.name, namespace: type.namespace, nillable: true };
    default:
      return { name: 'XmlNode', namespace: '', nillable: true };
  }
}

function compilePlainBody(operation: OperationModel): (value: unknown) => string | undefined {
  const result = operation.result;
  if (result === undefined) return () => undefined;
  const type = result.type;
  if (type.kind === 'xmlNode') {
    // XmlSerializer writes nothing for a null XmlNode root: only the declaration remains.
    return (value) =>
      value === null || value === undefined
        ? XML_DECLARATION
        : `${XML_DECLARATION}\n${encodeXmlNodeIndented(value as XmlNodeInput)}`;
  }
  const root = operation.httpResultElement ?? fallbackHttpRoot(operation, type);
  const namespaceDeclaration = root.namespace === '' ? '' : ` xmlns="${escapeAttribute(root.namespace)}"`;
  // Scalars are written without the xsd/xsi declarations; complex types and arrays with them.
  const declarations = type.kind === 'complex' || type.kind === 'array' ? ROOT_DECLARATIONS : '';
  const open = `${XML_DECLARATION}\n<${root.name}${declarations}${namespaceDeclaration}`;
  const empty = `${open} />`;
  const close = `</${root.name}>`;
  const nil = `${XML_DECLARATION}\n<${root.name}${ROOT_DECLARATIONS} xsi:nil="true"${namespaceDeclaration} />`;
  const content = contentWriter(type, root.namespace);
  return (value) => {
    if (value === null || value === undefined) {
      if (root.nillable) return nil;
      throw new ResultEncodingError(
        `the result is ${describeValue(value)}, and ${typeLabel(type)} cannot be null`,
      );
    }
    const text = content(value, 0);
    return text === '' ? empty : open + '>' + text + close;
  };
}

const ENCODERS = new WeakMap<OperationModel, ResultEncoder>();

/**
 * The result encoder of an operation, compiled once (and cached per operation object). Both
 * functions throw {@link ResultEncodingError} naming the operation when the value cannot be
 * written (a programming error of the handler): a value of the wrong type, a non-well-formed
 * XmlNode text, null for a value type.
 */
export function compileEncoder(operation: OperationModel): ResultEncoder {
  const cached = ENCODERS.get(operation);
  if (cached !== undefined) return cached;
  const soap = compileSoapBody(operation);
  const plain = compilePlainBody(operation);
  const encoder: ResultEncoder = {
    soapBody(value) {
      try {
        return soap(value);
      } catch (error) {
        return rethrow(operation, error);
      }
    },
    plainBody(value) {
      try {
        return plain(value);
      } catch (error) {
        return rethrow(operation, error);
      }
    },
  };
  ENCODERS.set(operation, encoder);
  return encoder;
}

/**
 * The content of `<soap:Body>` for a successful call: `<OpResponse xmlns="…"><OpResult>…</OpResult></OpResponse>`
 * on one line (the envelope, which declares `soap`, `xsi` and `xsd`, is the caller's).
 */
export function encodeSoapBody(operation: OperationModel, value: unknown): string {
  return compileEncoder(operation).soapBody(value);
}

/**
 * The body of the HTTP GET/POST answer: the XML declaration, LF, the document indented by two
 * spaces (LF line ends, no trailing newline); undefined for a void operation.
 */
export function encodePlainBody(operation: OperationModel, value: unknown): string | undefined {
  return compileEncoder(operation).plainBody(value);
}
