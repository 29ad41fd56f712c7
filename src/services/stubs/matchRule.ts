/**
 * A stub rule's `when`: parameter name (or dotted path into a complex parameter, or `$user`) →
 * expected value. Compiled when the file is loaded into one test per entry; a rule matches when
 * every test passes.
 *
 * Comparison, by the WSDL type at the name: strings exactly; integers, booleans and enums as their
 * canonical text (`10`, `true`, `Published`; `"10"` and `10` are the same expectation); floats as
 * singles (`0.1` matches the float argument 0.1, which is `Math.fround(0.1)`), doubles as doubles;
 * decimals as the text .NET prints (scale kept: `"1234.50"`); DateTime as the text the client sent
 * (any string: `"2026-12-31"`, `"12/31/2026 10:00"`…); guids without regard to case; base64Binary as
 * canonical base64; arrays element by element. `null` matches an absent or nil argument.
 */
import type { Arguments } from '../../codec/values';
import type { OperationModel, PrimitiveName, TypeModel } from '../../contract/model';
import type { HandlerContext } from '../handlerApi';
import { readName, resolveName } from './argumentPath';
import { caseHint, describeJson, describeType, quotedList } from './describe';
import { checkPrimitive, floatValue } from './lexical';
import { argumentText } from './template';

export type Matcher = (args: Arguments, context: HandlerContext) => boolean;

type Test = (actual: unknown) => boolean;

const isAbsent = (actual: unknown): boolean => actual === null || actual === undefined;

/** A test of a present value against its canonical text. */
function textTest(canonical: string, text: (actual: unknown) => string = argumentText): Test {
  return (actual) => !isAbsent(actual) && text(actual) === canonical;
}

/** A test of a present number against a float or double, NaN matching NaN. */
function numberTest(wanted: number): Test {
  if (Number.isNaN(wanted)) return (actual) => typeof actual === 'number' && Number.isNaN(actual);
  return (actual) => actual === wanted;
}

function primitiveTest(name: PrimitiveName, expected: unknown): Test | string {
  const problem = checkPrimitive(name, expected, 'when');
  if (problem !== undefined) return problem;
  switch (name) {
    case 'string':
      return (actual) => actual === expected;
    case 'boolean':
      return textTest(String(expected));
    case 'byte':
    case 'unsignedByte':
    case 'short':
    case 'unsignedShort':
    case 'int':
    case 'unsignedInt':
    case 'long':
    case 'unsignedLong':
    case 'char':
      return textTest(BigInt(expected as number | string).toString());
    case 'float':
      // A float argument is decoded as a single (Math.fround of the text): 0.1 matches it as one.
      return numberTest(Math.fround(floatValue(expected as number | string)));
    case 'double':
      return numberTest(floatValue(expected as number | string));
    case 'decimal':
      return textTest(String(expected));
    case 'dateTime':
      return textTest(expected as string);
    case 'guid':
      return textTest((expected as string).toLowerCase(), (actual) => argumentText(actual).toLowerCase());
    case 'base64Binary':
      return textTest(Buffer.from(expected as string, 'base64').toString('base64'));
  }
}

/** Compiles the expectation for a value of `type`, or says why it can never match (and what it found). */
function compileExpected(expected: unknown, type: TypeModel, name: string): Test | string {
  if (expected === null) return isAbsent;
  if (Array.isArray(expected) && type.kind === 'array') return compileArray(expected, type, name);
  const test = compileSingle(expected, type, name);
  return typeof test === 'string' ? `${test}, found ${describeJson(expected)}` : test;
}

function compileArray(
  expected: readonly unknown[],
  type: TypeModel & { kind: 'array' },
  name: string,
): Test | string {
  const items: Test[] = [];
  for (const [i, item] of expected.entries()) {
    const test = compileExpected(item, type.item.type, `${name}[${i}]`);
    if (typeof test === 'string') return `item [${i}]: ${test}`;
    items.push(test);
  }
  return (actual) =>
    Array.isArray(actual) && actual.length === items.length && items.every((test, i) => test(actual[i]));
}

function compileSingle(expected: unknown, type: TypeModel, name: string): Test | string {
  switch (type.kind) {
    case 'primitive':
      return primitiveTest(type.name, expected);
    case 'enum':
      if (typeof expected === 'string' && type.members.includes(expected))
        return (actual) => actual === expected;
      return (
        `expected the name of a member: ${quotedList(type.members)}` +
        (typeof expected === 'string' ? caseHint(expected, type.members) : '')
      );
    case 'array':
      return 'expected a JSON array (compared element by element) or null';
    case 'complex':
      return (
        `a complex value is matched member by member, with dotted paths ("${name}.${type.members[0]?.name ?? 'Member'}": …), ` +
        'or as a whole with null'
      );
    case 'xmlNode':
      return 'an XmlNode value cannot be matched (only null can)';
  }
}

/**
 * Compiles a rule's `when` object. Pushes one problem (prefixed by `where`) per entry that names
 * nothing or can never match; the matcher returned is then not to be used.
 */
export function compileWhen(
  when: Readonly<Record<string, unknown>>,
  operation: OperationModel,
  where: string,
  problems: string[],
): Matcher {
  const tests: { read: (args: Arguments, context: HandlerContext) => unknown; test: Test }[] = [];
  for (const [name, expected] of Object.entries(when)) {
    const resolved = resolveName(name, operation);
    if ('error' in resolved) {
      problems.push(`${where}: when: ${resolved.error}`);
      continue;
    }
    let test: Test | string;
    if (resolved.kind === 'transport') {
      const transports = ['soap11', 'soap12', 'http-get', 'http-post'];
      test =
        typeof expected === 'string' && transports.includes(expected)
          ? (actual) => actual === expected
          : `expected one of ${quotedList(transports)}, found ${describeJson(expected)}`;
    } else if (resolved.kind === 'user') {
      test =
        expected === null
          ? isAbsent
          : typeof expected === 'string'
            ? (actual) => actual === expected
            : `expected the user name as a string, or null, found ${describeJson(expected)}`;
    } else {
      test = compileExpected(expected, resolved.type, name);
    }
    if (typeof test === 'string') {
      const type =
        resolved.kind === 'user'
          ? 'the user name'
          : resolved.kind === 'transport'
            ? 'the transport'
            : describeType(resolved.type);
      problems.push(`${where}: when: "${name}" (${type}): ${test}`);
      continue;
    }
    tests.push({ read: (args, context) => readName(resolved, args, context), test });
  }
  return (args, context) => tests.every(({ read, test }) => test(read(args, context)));
}
