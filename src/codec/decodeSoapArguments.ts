import type {
  ComplexType,
  EnumType,
  MemberModel,
  OperationModel,
  PrimitiveName,
  TypeModel,
} from '../contract/model';
import type { XmlElement, XmlPosition } from '../xml/xmlReader';
import { DotNetException } from './dotnetException';
import { DotNetDateTime, type Arguments } from './values';
import { InvalidBase64, parseEnumXsd, parseXsd } from './xmlConvert';
import { parsePlainXsdDateTime } from './xsdDateTime';
import { internalize } from '../xml/internalize';

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
 *
 * Like XmlSerializer, which generates its reader once per type, the binding of each parameter
 * list, member and complex type is compiled once (see {@link MemberPlan}) and reused.
 */
export function decodeSoapArguments(
  operation: OperationModel,
  requestElement: XmlElement | undefined,
): { readonly args: Arguments } | { readonly error: SoapArgumentError } {
  try {
    return { args: readMembers(paramsPlanOf(operation.params), requestElement?.children ?? NO_CHILDREN) };
  } catch (error) {
    if (error instanceof ArgumentReadError) return { error: error.detail };
    throw error;
  } finally {
    // Not kept past the call: the request's strings would keep its whole text.
    knownNamespace = undefined;
    knownMemberNamespace = undefined;
  }
}

/**
 * The namespace of an element of this request last found to be a member's, and that member's.
 * An element's namespace is the string of the declaration in scope, one and the same object for
 * every element it applies to, which `===` recognises at once; comparing a namespace URI of the
 * request (a substring of its text, 13 characters or more: a V8 sliced string) with another
 * string otherwise goes to the runtime every time.
 */
let knownNamespace: string | undefined = undefined;
let knownMemberNamespace: string | undefined = undefined;

/** `elementNamespace === memberNamespace`, mostly without comparing their characters. */
function inNamespace(elementNamespace: string, memberNamespace: string): boolean {
  if (elementNamespace === knownNamespace) return memberNamespace === knownMemberNamespace;
  if (elementNamespace !== memberNamespace) return false;
  knownNamespace = elementNamespace;
  knownMemberNamespace = memberNamespace;
  return true;
}

const NO_CHILDREN: readonly XmlElement[] = Object.freeze([]);

// How a member's element is read: the common primitives have a fast path for their usual text
// (anything else goes through parseXsd, which gives the value or the .NET exception). The simple
// types, whose element holds text only, come first (up to READ_ENUM).
const READ_STRING = 0;
const READ_BOOLEAN = 1;
/** byte … unsignedInt and char: a number, read directly when it is a few plain digits. */
const READ_SMALL_INTEGER = 2;
/** long, unsignedLong: a bigint, read directly when it is a few plain digits. */
const READ_LONG = 3;
const READ_DATETIME = 4;
/** The other primitives: parseXsd. */
const READ_PRIMITIVE = 5;
const READ_ENUM = 6;
const READ_ARRAY = 7;
const READ_COMPLEX = 8;
const READ_XML_NODE = 9;

/** For the integer fast path: whether a sign may be given and the range of the .NET type. */
const INTEGER_FAST_PATHS: Partial<
  Record<PrimitiveName, { readonly signed: boolean; readonly min: number; readonly max: number }>
> = {
  byte: { signed: true, min: -128, max: 127 },
  unsignedByte: { signed: false, min: 0, max: 255 },
  short: { signed: true, min: -32768, max: 32767 },
  unsignedShort: { signed: false, min: 0, max: 65535 },
  char: { signed: false, min: 0, max: 65535 },
  int: { signed: true, min: -2147483648, max: 2147483647 },
  unsignedInt: { signed: false, min: 0, max: 4294967295 },
  // Up to 15 digits: within the range of both and exact as a double.
  long: { signed: true, min: -999999999999999, max: 999999999999999 },
  unsignedLong: { signed: false, min: 0, max: 999999999999999 },
};

/** The compiled reading of one member (a parameter, a complex type's member or an array item). */
class MemberPlan {
  readonly name: string;
  readonly namespace: string;
  readonly nillable: boolean;
  readonly read: number;
  /** The primitive's name (READ_* of primitives), for parseXsd. */
  readonly primitive: PrimitiveName;
  readonly enumType: EnumType | undefined;
  /** Integer fast path: a sign allowed, the digits at most, the range. */
  readonly signed: boolean;
  readonly maxDigits: number;
  readonly min: number;
  readonly max: number;
  /** The array's item, the complex type's members: set right after the plan is cached (types may recurse). */
  item: MemberPlan | undefined = undefined;
  complex: ComplexPlan | undefined = undefined;
  /** The value when the element is absent. */
  readonly absent: unknown;

  constructor(member: MemberModel) {
    const type = member.type;
    // Internalized: compared with every element's (see inNamespace).
    this.name = internalize(member.name);
    this.namespace = internalize(member.namespace);
    this.nillable = member.nillable;
    // An absent nullable value type (minOccurs=1 nillable=true: int?, DateTime?) is null.
    this.absent = member.nillable ? null : defaultValue(type);
    this.primitive = type.kind === 'primitive' ? type.name : 'string';
    this.enumType = type.kind === 'enum' ? type : undefined;
    const integer = type.kind === 'primitive' ? INTEGER_FAST_PATHS[type.name] : undefined;
    this.signed = integer?.signed ?? false;
    this.min = integer?.min ?? 0;
    this.max = integer?.max ?? 0;
    this.maxDigits =
      type.kind === 'primitive' && (type.name === 'long' || type.name === 'unsignedLong') ? 15 : 9;
    this.read = readKind(type);
  }
}

function readKind(type: TypeModel): number {
  switch (type.kind) {
    case 'primitive':
      if (INTEGER_FAST_PATHS[type.name] !== undefined) {
        return type.name === 'long' || type.name === 'unsignedLong' ? READ_LONG : READ_SMALL_INTEGER;
      }
      switch (type.name) {
        case 'string':
          return READ_STRING;
        case 'boolean':
          return READ_BOOLEAN;
        case 'dateTime':
          return READ_DATETIME;
        default:
          return READ_PRIMITIVE;
      }
    case 'enum':
      return READ_ENUM;
    case 'array':
      return READ_ARRAY;
    case 'complex':
      return READ_COMPLEX;
    case 'xmlNode':
      return READ_XML_NODE;
  }
}

/**
 * The compiled reading of a sequence of members (a parameter list or a complex type). Members are
 * told apart by name as XmlSerializer's "seen" flags are: members sharing a name (in different
 * namespaces) form one group, the first of the group in the element's namespace reads it.
 */
class ComplexPlan {
  /** Members in schema order, and the group of each. */
  readonly members: MemberPlan[] = [];
  readonly groupOf: number[] = [];
  /** Per group, in order of first appearance: its name and its members. */
  readonly groupNames: string[] = [];
  readonly groups: MemberPlan[][] = [];
  readonly groupByName = new Map<string, number>();

  add(member: MemberPlan): void {
    let group = this.groupByName.get(member.name);
    if (group === undefined) {
      group = this.groups.length;
      this.groupByName.set(member.name, group);
      this.groupNames.push(member.name);
      this.groups.push([]);
    }
    (this.groups[group] as MemberPlan[]).push(member);
    this.members.push(member);
    this.groupOf.push(group);
  }
}

const PARAMS_PLANS = new WeakMap<readonly MemberModel[], ComplexPlan>();
const COMPLEX_PLANS = new WeakMap<ComplexType, ComplexPlan>();
const MEMBER_PLANS = new WeakMap<MemberModel, MemberPlan>();

function paramsPlanOf(params: readonly MemberModel[]): ComplexPlan {
  let plan = PARAMS_PLANS.get(params);
  if (plan === undefined) {
    plan = new ComplexPlan();
    for (const member of params) plan.add(memberPlanOf(member));
    PARAMS_PLANS.set(params, plan);
  }
  return plan;
}

function memberPlanOf(member: MemberModel): MemberPlan {
  let plan = MEMBER_PLANS.get(member);
  if (plan !== undefined) return plan;
  plan = new MemberPlan(member);
  MEMBER_PLANS.set(member, plan);
  const type = member.type;
  if (type.kind === 'array') plan.item = memberPlanOf(type.item);
  else if (type.kind === 'complex') plan.complex = complexPlanOf(type);
  return plan;
}

function complexPlanOf(type: ComplexType): ComplexPlan {
  let plan = COMPLEX_PLANS.get(type);
  if (plan !== undefined) return plan;
  plan = new ComplexPlan();
  // Cached before its members are compiled: a member may be of this type again.
  COMPLEX_PLANS.set(type, plan);
  for (const member of type.members) plan.add(memberPlanOf(member));
  return plan;
}

/** Beyond this many groups the seen flags are an array instead of the bits of a number. */
const MAX_BIT_GROUPS = 30;

function readMembers(plan: ComplexPlan, children: readonly XmlElement[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const groupCount = plan.groups.length;
  const groupNames = plan.groupNames;
  let seenBits = 0;
  const seenList = groupCount > MAX_BIT_GROUPS ? new Uint8Array(groupCount) : undefined;
  // Members usually come in schema order: the group after the last one read is tried first.
  let expected = 0;
  for (let c = 0; c < children.length; c++) {
    const child = children[c] as XmlElement;
    const localName = child.localName;
    let group: number;
    if (expected < groupCount && groupNames[expected] === localName) {
      group = expected;
    } else {
      const found = plan.groupByName.get(localName);
      if (found === undefined) continue;
      group = found;
    }
    const candidates = plan.groups[group] as MemberPlan[];
    let member = candidates[0] as MemberPlan;
    if (!inNamespace(child.namespace, member.namespace)) {
      const other = findInNamespace(candidates, child.namespace);
      if (other === undefined) continue;
      member = other;
    }
    if (seenList === undefined) {
      const bit = 1 << group;
      if ((seenBits & bit) !== 0) continue;
      seenBits |= bit;
    } else {
      if (seenList[group] !== 0) continue;
      seenList[group] = 1;
    }
    expected = group + 1;
    values[member.name] = readValue(member, child);
  }
  const members = plan.members;
  const groupOf = plan.groupOf;
  for (let m = 0; m < members.length; m++) {
    const group = groupOf[m] as number;
    const seen = seenList === undefined ? (seenBits & (1 << group)) !== 0 : seenList[group] !== 0;
    if (!seen) {
      const member = members[m] as MemberPlan;
      values[member.name] = member.absent;
    }
  }
  return values;
}

function findInNamespace(candidates: readonly MemberPlan[], namespace: string): MemberPlan | undefined {
  for (let k = 1; k < candidates.length; k++) {
    const candidate = candidates[k] as MemberPlan;
    if (inNamespace(namespace, candidate.namespace)) return candidate;
  }
  return undefined;
}

function readValue(member: MemberPlan, element: XmlElement): unknown {
  // XmlSerializer honours xsi:nil only where the schema says nillable (a nullable value type,
  // a nillable string or array item); elsewhere the element is read as if it were empty.
  if (element.nil && member.nillable) return null;
  const read = member.read;
  if (read <= READ_ENUM) {
    // A simple value with element content is not a value XmlSerializer can read (an XmlException:
    // ASMX answers 400).
    if (element.children.length > 0) throw new ArgumentReadError({ kind: 'badRequest' });
    const text = element.text;
    switch (read) {
      case READ_STRING:
        return text;
      case READ_BOOLEAN:
        if (text === 'true' || text === '1') return true;
        if (text === 'false' || text === '0') return false;
        break;
      case READ_SMALL_INTEGER: {
        const value = plainInteger(text, member.signed, member.maxDigits);
        if (value >= member.min && value <= member.max) return value;
        break;
      }
      case READ_LONG: {
        const value = plainInteger(text, member.signed, member.maxDigits);
        if (value >= member.min && value <= member.max) return BigInt(value);
        break;
      }
      case READ_DATETIME: {
        const value = parsePlainXsdDateTime(text, text);
        if (value !== undefined) return value;
        break;
      }
      case READ_ENUM:
        if ((member.enumType as EnumType).members.includes(text)) return text;
        break;
    }
    return convert(member, element);
  }
  switch (read) {
    case READ_ARRAY: {
      const item = member.item as MemberPlan;
      const items: unknown[] = [];
      const children = element.children;
      for (let c = 0; c < children.length; c++) {
        const child = children[c] as XmlElement;
        if (child.localName !== item.name || !inNamespace(child.namespace, item.namespace)) continue;
        items.push(readValue(item, child));
      }
      return items;
    }
    case READ_COMPLEX:
      // `<info xsi:nil="true" />` still gives an object with its members at their defaults: the
      // generated reader creates the instance before it looks at xsi:nil (soap11-UpdateDocumentInfo-nil-info).
      return readMembers(member.complex as ComplexPlan, element.nil ? NO_CHILDREN : element.children);
    default:
      return element;
  }
}

/**
 * Text of 1 to `maxDigits` ASCII digits, after a `-` when `signed`, as a number (`-0` is 0);
 * NaN for any other text (left to parseXsd: signs, white space, overflow, errors).
 */
function plainInteger(text: string, signed: boolean, maxDigits: number): number {
  const length = text.length;
  let i = 0;
  if (signed && length > 1 && text.charCodeAt(0) === 0x2d) i = 1;
  if (length - i > maxDigits || length === 0) return NaN;
  let value = 0;
  for (let k = i; k < length; k++) {
    const digit = text.charCodeAt(k) - 0x30;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return i === 1 ? 0 - value : value;
}

/** The value parseXsd (or parseEnumXsd) reads, or the error XmlSerializer reports for the text. */
function convert(member: MemberPlan, element: XmlElement): unknown {
  const text = element.text;
  try {
    if (member.read === READ_ENUM) return parseEnumXsd(member.enumType as EnumType, text);
    const value = parseXsd(member.primitive, text);
    return member.read === READ_DATETIME ? withSentText(value as DotNetDateTime, text) : value;
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
