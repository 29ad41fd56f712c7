import type { EnumType, MemberModel, OperationModel, TypeModel } from '../contract/model';
import type { XmlElement, XmlPosition } from '../xml/xmlReader';
import { DotNetException } from './dotnetException';
import { DotNetDateTime, type Arguments } from './values';
import { InvalidBase64, parseEnumXsd, parseXsd } from './xmlConvert';

/**
 * Why a SOAP request's arguments could not be read, as XmlSerializer fails: a value that does not
 * convert (reported with the reader's position after the element), or base64 that is not base64
 * (an XmlException while reading the body: ASMX answers HTTP 400 with no body).
 */
export type SoapArgumentError =
  | { readonly kind: 'conversion'; readonly position: XmlPosition; readonly inner: DotNetException }
  | { readonly kind: 'badRequest' };

class ArgumentReadError extends Error {
  constructor(readonly detail: SoapArgumentError) {
    super('argument not readable');
  }
}

/**
 * Binds the children of the request element to the operation's parameters the way
 * XmlSerializer's generated reader does: element names exact and in the parameter's namespace,
 * members in any order, the first of repeated elements wins and later ones are ignored like
 * unknown elements, and an absent element leaves the parameter at its default (null, 0, false,
 * the first enum member, 0001-01-01T00:00:00).
 */
export function decodeSoapArguments(
  operation: OperationModel,
  requestElement: XmlElement | undefined,
): { readonly args: Arguments } | { readonly error: SoapArgumentError } {
  try {
    return { args: readMembers(operation.params, requestElement?.children ?? []) };
  } catch (error) {
    if (error instanceof ArgumentReadError) return { error: error.detail };
    throw error;
  }
}

function readMembers(
  members: readonly MemberModel[],
  children: readonly XmlElement[],
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const child of children) {
    const member = members.find((m) => m.name === child.localName && m.namespace === child.namespace);
    if (!member || seen.has(member.name)) continue;
    seen.add(member.name);
    values[member.name] = readValue(member, child);
  }
  for (const member of members) {
    // An absent nullable value type (minOccurs=1 nillable=true: int?, DateTime?) is null.
    if (!seen.has(member.name)) values[member.name] = member.nillable ? null : defaultValue(member.type);
  }
  return values;
}

function readValue(member: MemberModel, element: XmlElement): unknown {
  const type = member.type;
  // XmlSerializer honours xsi:nil only where the schema says nillable (a nullable value type,
  // a nillable string or array item); elsewhere the element is read as if it were empty.
  if (element.nil && member.nillable) return null;
  // A simple value with element content is not a value XmlSerializer can read (an XmlException:
  // ASMX answers 400).
  if ((type.kind === 'primitive' || type.kind === 'enum') && element.children.length > 0) {
    throw new ArgumentReadError({ kind: 'badRequest' });
  }
  switch (type.kind) {
    case 'primitive':
      return convert(element, () => {
        const value = parseXsd(type.name, element.text);
        return type.name === 'dateTime' ? withSentText(value as DotNetDateTime, element.text) : value;
      });
    case 'enum':
      return convert(element, () => parseEnumXsd(type as EnumType, element.text));
    case 'array': {
      const item = type.item;
      const items: unknown[] = [];
      for (const child of element.children) {
        if (child.localName !== item.name || child.namespace !== item.namespace) continue;
        items.push(readValue(item, child));
      }
      return items;
    }
    case 'complex':
      // `<info xsi:nil="true" />` still gives an object with its members at their defaults: the
      // generated reader creates the instance before it looks at xsi:nil (soap11-UpdateDocumentInfo-nil-info).
      return readMembers(type.members, element.nil ? [] : element.children);
    case 'xmlNode':
      return element;
  }
}

function convert(element: XmlElement, parse: () => unknown): unknown {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidBase64) throw new ArgumentReadError({ kind: 'badRequest' });
    if (error instanceof DotNetException) {
      throw new ArgumentReadError({ kind: 'conversion', position: element.next, inner: error });
    }
    throw error;
  }
}

function withSentText(value: DotNetDateTime, sent: string): DotNetDateTime {
  return new DotNetDateTime(value.ticks, value.kind, sent);
}

/** What a parameter or member holds when its element is absent. */
export function defaultValue(type: TypeModel): unknown {
  switch (type.kind) {
    case 'primitive':
      switch (type.name) {
        case 'string':
        case 'base64Binary':
          return null;
        case 'boolean':
          return false;
        case 'long':
        case 'unsignedLong':
          return 0n;
        case 'decimal':
          return '0';
        case 'dateTime':
          return DotNetDateTime.MIN;
        case 'guid':
          return '00000000-0000-0000-0000-000000000000';
        default:
          return 0;
      }
    case 'enum':
      return type.members[0] ?? null;
    default:
      return null;
  }
}
