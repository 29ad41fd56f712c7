/**
 * A stub rule's `result`: checked against the WSDL type of the operation's result when the file is
 * loaded (recursively, so a wrong member deep in an array of objects is reported at start), and
 * compiled to a function giving the value for a request, with `{{…}}` placeholders of string and
 * XmlNode values filled in. The JSON forms are those the encoder accepts (see codec/values.ts):
 * they are passed through as they are, only templated.
 */
import type { Arguments } from '../../codec/values';
import type { OperationModel, TypeModel } from '../../contract/model';
import type { HandlerContext } from '../handlerApi';
import { caseHint, describeJson, describeType, quotedList } from './describe';
import {
  checkBase64,
  checkBoolean,
  checkDateTime,
  checkDecimal,
  checkFloat,
  checkGuid,
  checkInteger,
} from './lexical';
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

function primitiveProblem(type: TypeModel & { kind: 'primitive' }, value: unknown): string | undefined {
  switch (type.name) {
    case 'string':
      return typeof value === 'string' ? undefined : 'expected a string';
    case 'boolean':
      return checkBoolean(value, false);
    case 'byte':
    case 'unsignedByte':
    case 'short':
    case 'unsignedShort':
    case 'int':
    case 'unsignedInt':
    case 'long':
    case 'unsignedLong':
      return checkInteger(type.name, value, true);
    case 'char':
      return checkInteger(type.name, value, false);
    case 'float':
    case 'double':
      return checkFloat(type.name, value);
    case 'decimal':
      return checkDecimal(value);
    case 'dateTime':
      return checkDateTime(value);
    case 'guid':
      return checkGuid(value);
    case 'base64Binary':
      return checkBase64(value);
  }
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

  compile(value: unknown, type: TypeModel, where: string, nullable: boolean): Compiled {
    if (value === null) {
      if (nullable) return { constant: true, value: null };
      return this.problem(
        where,
        value,
        type,
        'null is not allowed here (the items are not nillable): expected a value',
      );
    }
    switch (type.kind) {
      case 'xmlNode':
        return this.xmlNode(value, type, where);
      case 'primitive': {
        if (type.name === 'string' && typeof value === 'string') return this.text(value, where, false);
        const problem = primitiveProblem(type, value);
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
        const items = value.map((item: unknown, i) =>
          this.compile(item, type.item.type, `${where}[${i}]`, type.item.nillable),
        );
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
          entries.push([key, this.compile(member, model.type, `${where}.${key}`, true)]);
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

/**
 * Checks a rule's `result` against the operation's result type, pushing a problem (prefixed by
 * `where`, e.g. `GetDocumentInfo.json: rule [2]: result`) for each mismatch, and compiles it.
 * `null` is allowed at the top ("result": null returns null).
 */
export function compileResult(
  value: unknown,
  operation: OperationModel,
  where: string,
  problems: string[],
): ValueProducer {
  const result = operation.result;
  if (result === undefined || value === null) return () => null;
  const compiled = new ResultCompiler(operation, problems).compile(value, result.type, where, true);
  if (compiled.constant) {
    const frozen = deepFreeze(compiled.value);
    return () => frozen;
  }
  return compiled.produce;
}
