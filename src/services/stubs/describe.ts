/**
 * Words for load-time messages: what a WSDL type is, what a JSON value is, and "did you mean"
 * hints. Messages say what is wrong and what is allowed, so an author can fix a stub file from the
 * message alone.
 */
import type { MemberModel, TypeModel } from '../../contract/model';

/** `int`, `DocumentStatus (an enum: Draft, Published, Archived)`, `ArrayOfString (an array of string)`… */
export function describeType(type: TypeModel): string {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'enum':
      return `${type.name} (an enum: ${type.members.join(', ')})`;
    case 'array':
      return `${type.name} (an array of ${shortTypeName(type.item.type)})`;
    case 'complex':
      return `${type.name} (an object with members ${type.members.map((m) => m.name).join(', ') || '(none)'})`;
    case 'xmlNode':
      return 'XmlNode';
  }
}

/** The bare name of a type: `int`, `DocumentStatus`, `ArrayOfString`, `XmlNode`. */
export function shortTypeName(type: TypeModel): string {
  return type.kind === 'xmlNode' ? 'XmlNode' : type.name;
}

/** `a string ("abc")`, `a number (12)`, `true`, `null`, `an array`, `an object`. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)})`;
    case 'number':
      return `a number (${value})`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** ` (did you mean "Name"?)` when `name` differs from a candidate only by case, else ''. */
export function caseHint(name: string, candidates: Iterable<string>): string {
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    if (candidate !== name && candidate.toLowerCase() === lower)
      return ` (did you mean "${candidate}"? names are case-sensitive)`;
  }
  return '';
}

/** `"a", "b", "c"`, or `(none)`. */
export function quotedList(names: Iterable<string>): string {
  const list = [...names].map((n) => `"${n}"`);
  return list.length === 0 ? '(none)' : list.join(', ');
}

export function findMember(members: readonly MemberModel[], name: string): MemberModel | undefined {
  return members.find((m) => m.name === name);
}
