/**
 * A stub rule's `result`: checked against the WSDL type of the operation's result when the file is
 * loaded (recursively, so a wrong member deep in an array of objects is reported at start), and
 * compiled to a function giving the value for a request, with `{{…}}` placeholders of string and
 * XmlNode values filled in. The JSON forms are those the encoder accepts (see codec/values.ts):
 * they are passed through as they are, only templated.
 */
import { isValueType } from '../../codec/encodeResult';
import { defaultPrimitiveText } from '../../codec/primitiveText';
import type { Arguments } from '../../codec/values';
import type { OperationModel, TypeModel } from '../../contract/model';
import type { HandlerContext } from '../handlerApi';
import { caseHint, describeJson, describeType, quotedList } from './describe';
import { checkPrimitive } from './lexical';
import { compileTemplate, findPlaceholders } from './template';
import { xmlNodeProblem } from './xmlNodeText';

export type ValueProducer = (args: Arguments, context: HandlerContext) => unknown;

/** A compiled value: a constant (deep-frozen) or, when placeholders are inside, a producer. */
type Compiled =
  | { readonly constant: true; readonly value: unknown }
  | { readonly constant: false; readonly produce: ValueProducer };

const TEMPLATE_HINT = ' ({{…}} placeholders are filled in string and XmlNode values only)';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

class ResultCompiler {
  constructor(
    private readonly operation: OperationModel,
    private readonly problems: string[],
  ) {}

  private problem(where: string, value: unknown, type: TypeModel, what: string): Compiled {
    const templated = typeof value === 'string' && findPlaceholders(value).length > 0 ? TEMPLATE_HINT : '';
    this.problems.push(
      `${where}: ${what} for ${describeType(type)}, found ${describeJson(value)}${templated}`,
    );
    return { constant: true, value };
  }

  /**
   * A value below the top: a member of an object (null is left out of the XML, whatever its type)
   * or an item of an array (null is written `xsi:nil="true"`, for every array).
   */
  compile(value: unknown, type: TypeModel, where: string): Compiled {
    if (value === null) return { constant: true, value: null };
    switch (type.kind) {
      case 'xmlNode':
        return this.xmlNode(value, type, where);
      case 'primitive': {
        if (type.name === 'string' && typeof value === 'string') return this.text(value, where, false);
        const problem = checkPrimitive(type.name, value, 'result');
        return problem === undefined ? { constant: true, value } : this.problem(where, value, type, problem);
      }
      case 'enum':
        if (typeof value === 'string' && type.members.includes(value)) return { constant: true, value };
        return this.problem(
          where,
          value,
          type,
          `expected the name of a member: ${quotedList(type.members)}` +
            (typeof value === 'string' ? caseHint(value, type.members) : ''),
        );
      case 'array': {
        if (!Array.isArray(value)) return this.problem(where, value, type, 'expected a JSON array');
        const items = value.map((item: unknown, i) => this.compile(item, type.item.type, `${where}[${i}]`));
        return this.combine(items, (parts) => parts);
      }
      case 'complex': {
        if (typeof value !== 'object' || Array.isArray(value)) {
          return this.problem(where, value, type, 'expected a JSON object');
        }
        const names = type.members.map((m) => m.name);
        const entries: [string, Compiled][] = [];
        for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
          const model = type.members.find((m) => m.name === key);
          if (model === undefined) {
            this.problems.push(
              `${where}: "${key}" is not a member of ${type.name}; its members are ${quotedList(names)}${caseHint(key, names)}`,
            );
            continue;
          }
          // A member that is null is left out of the XML, whatever its type.
          entries.push([key, this.compile(member, model.type, `${where}.${key}`)]);
        }
        return this.combine(
          entries.map(([, c]) => c),
          (parts) => Object.fromEntries(entries.map(([key], i) => [key, parts[i]])),
        );
      }
    }
  }

  private xmlNode(value: unknown, type: TypeModel, where: string): Compiled {
    if (typeof value !== 'string') {
      return this.problem(where, value, type, 'expected a string holding the XML of one element');
    }
    const before = this.problems.length;
    const compiled = this.text(value, where, true);
    if (this.problems.length > before) return compiled;
    const problem = xmlNodeProblem(value, findPlaceholders(value));
    if (problem !== undefined) this.problems.push(`${where}: the XmlNode result ${problem}`);
    return compiled;
  }

  private text(value: string, where: string, escape: boolean): Compiled {
    const template = compileTemplate(value, this.operation, escape, where, this.problems);
    return template.constant ? { constant: true, value } : { constant: false, produce: template.produce };
  }

  /** Builds an array or object from compiled parts: a constant unless a part has placeholders. */
  private combine(parts: Compiled[], build: (values: unknown[]) => unknown): Compiled {
    if (parts.every((p) => p.constant)) {
      return { constant: true, value: build(parts.map((p) => (p as { value: unknown }).value)) };
    }
    return {
      constant: false,
      produce: (args, context) => build(parts.map((p) => (p.constant ? p.value : p.produce(args, context)))),
    };
  }
}

/** A JSON value of a value type, for messages: `0`, `false`, `"0001-01-01T00:00:00"`, `"Draft"`. */
function jsonDefault(type: TypeModel): string {
  if (type.kind === 'enum') return JSON.stringify(type.members[0] ?? 'a member name');
  if (type.kind !== 'primitive') return 'a value';
  const text = defaultPrimitiveText(type.name) ?? '';
  return type.name === 'dateTime' || type.name === 'guid' ? JSON.stringify(text) : text;
}

/**
 * Why `"result": null` cannot be the operation's result, or undefined when it can. Null is
 * serialized as XmlSerializer serializes a null of the result type: for a reference type (string,
 * byte[], an array, a complex type, XmlNode) and a nillable value type (`int?`) that is the
 * encoder's business; a value type that is not nillable (int, long, bool, double, decimal, DateTime,
 * Guid, an enum…) has no null in .NET, so no .NET method can return one.
 */
export function nullResultProblem(operation: OperationModel): string | undefined {
  const result = operation.result;
  if (result === undefined || result.nillable || !isValueType(result.type)) return undefined;
  return (
    `null is not possible: ${operation.name} returns ${describeType(result.type)}, a .NET value type, which has ` +
    `no null (only a result the WSDL declares nillable="true", such as an int?, can be null); write a value ` +
    `instead, e.g. "result": ${jsonDefault(result.type)} (the .NET default), or a "fault"`
  );
}

/**
 * Checks a rule's `result` against the operation's result type, pushing a problem (prefixed by
 * `where`, e.g. `GetDocumentInfo.json: rule [2]: result`) for each mismatch, and compiles it.
 * `null` at the top ("result": null returns null) is allowed unless the result is a value type
 * that is not nillable (see {@link nullResultProblem}); below the top it always is.
 */
export function compileResult(
  value: unknown,
  operation: OperationModel,
  where: string,
  problems: string[],
): ValueProducer {
  const result = operation.result;
  if (result === undefined) return () => null;
  if (value === null) {
    const problem = nullResultProblem(operation);
    if (problem !== undefined) problems.push(`${where}: ${problem}`);
    return () => null;
  }
  const compiled = new ResultCompiler(operation, problems).compile(value, result.type, where);
  if (compiled.constant) {
    const frozen = deepFreeze(compiled.value);
    return () => frozen;
  }
  return compiled.produce;
}
