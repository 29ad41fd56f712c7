/**
 * Stub files: a folder of `<Operation>.json` files, each an array of rules tried in order.
 *
 * ```json
 * [
 *   { "when": { "path": "/Finance/Reports/Q1.pdf" }, "result": { "Id": 101, "Name": "Q1.pdf" } },
 *   { "when": { "path": "/Finance/Budget.xlsx", "$user": "jsmith" }, "fault": "[131] Document is checked out" },
 *   { "result": "<root success=\"true\" path=\"{{path}}\" />" }
 * ]
 * ```
 *
 * Everything is checked when the folder is loaded, against the service model: file names,
 * rule shapes, `when` names and values, result shapes (recursively against the WSDL type),
 * XmlNode strings (well-formed, one element) and `{{…}}` names. All problems of the folder are
 * reported together in one {@link StubFileError}, each naming its file and rule.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { OperationModel, ServiceModel } from '../../contract/model';
import type { OperationHandlerFunction } from '../handlerApi';
import { caseHint, describeJson, describeType } from './describe';
import { compileWhen } from './matchRule';
import { compileResult, nullResultProblem } from './resultValue';
import { faultAnswer, stubAnswerer, type CompiledRule } from './stubAnswerer';
import { compileTemplate } from './template';

/** A stub folder or file the emulator cannot use; `problems` has one line per mistake. */
export class StubFileError extends Error {
  override readonly name = 'StubFileError';
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} problems in stub files:\n${problems.join('\n')}`,
    );
  }
}

export interface StubSet {
  /** The folder, resolved. */
  readonly dir: string;
  /** The operations that have a stub file. */
  readonly operations: ReadonlySet<string>;
  /** The answerer of an operation (returns UNHANDLED when no rule matches), undefined without a file. */
  answerer(operationName: string): OperationHandlerFunction | undefined;
}

const RULE_KEYS = ['when', 'result', 'fault'];

const ruleSchema = z.strictObject(
  {
    when: z
      .record(z.string(), z.unknown(), {
        error: (issue) =>
          `"when" must be an object of parameter name → expected value, found ${describeJson(issue.input)}`,
      })
      .optional(),
    result: z.unknown().optional(),
    fault: z
      .string({
        error: (issue) =>
          `"fault" must be a string (the SoapException message), found ${describeJson(issue.input)}`,
      })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; ` +
          `a rule has "when" (optional), and "result" or "fault"` +
          caseHint(issue.keys[0] ?? '', RULE_KEYS)
        : `a rule must be an object such as { "when": { … }, "result": … }, found ${describeJson(issue.input)}`,
  },
);

/** `line 3, column 7` for an offset in a text. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

function parseJson(text: string, file: string, problems: string[]): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const where = position?.[1] === undefined ? '' : ` (${lineAndColumn(text, Number(position[1]))})`;
    problems.push(`${file}: not valid JSON: ${message}${where}`);
    return undefined;
  }
}

function returns(operation: OperationModel): string {
  return operation.result === undefined ? 'void' : describeType(operation.result.type);
}

/** Checks and compiles the rules of one operation's stub file. Pushes problems; returns the rules. */
export function compileStubRules(
  json: unknown,
  operation: OperationModel,
  file: string,
  problems: string[],
): CompiledRule[] {
  if (!Array.isArray(json)) {
    problems.push(
      `${file}: must hold a JSON array of rules ([{ "when": { … }, "result": … }, …]), found ${describeJson(json)}`,
    );
    return [];
  }
  const rules: CompiledRule[] = [];
  json.forEach((raw: unknown, index) => {
    const where = `${file}: rule [${index}]`;
    const parsed = ruleSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${where}: ${issue.message}`);
      return;
    }
    const rule = raw as Record<string, unknown>;
    const hasResult = Object.hasOwn(rule, 'result');
    const hasFault = Object.hasOwn(rule, 'fault');
    const before = problems.length;
    if (hasResult && hasFault) {
      problems.push(`${where}: has both "result" and "fault"; a rule answers with one of them`);
    } else if (operation.result === undefined && hasResult && rule.result !== null) {
      problems.push(
        `${where}: has a "result", but ${operation.name} returns void; leave "result" out (or null), or give a "fault"`,
      );
    } else if (operation.result !== undefined && !hasResult && !hasFault) {
      problems.push(
        `${where}: has neither "result" nor "fault"; ${operation.name} returns ${returns(operation)}, ` +
          `so a rule gives a "result"${nullResultProblem(operation) === undefined ? ' ("result": null returns null)' : ''} or a "fault"`,
      );
    }
    const matches = compileWhen(parsed.data.when ?? {}, operation, where, problems);
    let answer: CompiledRule['answer'];
    if (hasFault) {
      const template = compileTemplate(
        parsed.data.fault ?? '',
        operation,
        false,
        `${where}: fault`,
        problems,
      );
      answer = faultAnswer(template.constant ? () => template.text : template.produce);
    } else if (operation.result === undefined) {
      answer = () => undefined;
    } else if (!hasResult) {
      answer = () => null; // refused above: neither "result" nor "fault"
    } else {
      answer = compileResult(rule.result ?? null, operation, `${where}: result`, problems);
    }
    if (problems.length === before) rules.push({ index, matches, answer });
  });
  return rules;
}

/** The operation a file name stands for, or the problem with the name; undefined to ignore the entry. */
function operationOfFile(
  name: string,
  service: ServiceModel,
  file: string,
): OperationModel | string | undefined {
  const dot = name.lastIndexOf('.');
  const extension = dot < 0 ? '' : name.slice(dot);
  if (extension !== '.json') {
    return extension.toLowerCase() === '.json'
      ? `${file}: a stub file's name ends in ".json" (lower case)`
      : undefined;
  }
  const operationName = name.slice(0, dot);
  const operation = service.byName.get(operationName);
  if (operation !== undefined) return operation;
  const names = service.operations.map((o) => o.name);
  const wrongCase = service.byLowerCaseName.get(operationName.toLowerCase());
  return (
    `${file}: "${operationName}" is not an operation of ${service.name}; a stub file is named <Operation>.json ` +
    (wrongCase === undefined
      ? `with one of: ${names.join(', ')}`
      : `with the operation's exact name (did you mean "${wrongCase.name}.json"? names are case-sensitive)`)
  );
}

/**
 * Loads a service's stub folder: every `<Operation>.json` in it (other files, such as a README,
 * are ignored). Throws a {@link StubFileError} listing every problem found.
 */
export function loadStubFolder(dir: string, service: ServiceModel): StubSet {
  const folder = resolve(dir);
  let names: string[];
  try {
    if (!statSync(folder).isDirectory()) throw new StubFileError([`stub folder ${folder} is not a folder`]);
    names = readdirSync(folder).sort();
  } catch (error) {
    if (error instanceof StubFileError) throw error;
    throw new StubFileError([`stub folder ${folder} cannot be read: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  const answerers = new Map<string, OperationHandlerFunction>();
  for (const name of names) {
    const file = join(folder, name);
    const operation = operationOfFile(name, service, file);
    if (operation === undefined) continue;
    if (typeof operation === 'string') {
      problems.push(operation);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(`${file}: cannot be read: ${(error as Error).message}`);
      continue;
    }
    const json = parseJson(text.startsWith('\uFEFF') ? text.slice(1) : text, file, problems);
    if (json === undefined) continue;
    answerers.set(operation.name, stubAnswerer(compileStubRules(json, operation, file, problems)));
  }
  if (problems.length > 0) throw new StubFileError(problems);
  return {
    dir: folder,
    operations: new Set(answerers.keys()),
    answerer: (operationName) => answerers.get(operationName),
  };
}
