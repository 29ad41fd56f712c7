/**
 * Handler modules: a JavaScript module answering some operations of a service in code, one
 * (async) function per operation, named exactly as the operation:
 *
 * ```js
 * // handlers.mjs
 * export async function GetDocumentVersionCount({ path }, context) {
 *   if (path === '/Finance/Budget.xlsx') return 7;
 *   context.fault('[130] Document not found');
 * }
 * ```
 *
 * An ES module (`.mjs`, or `.js` in a package whose package.json says `"type": "module"`) exports
 * them by name, or as the members of a default export object; a CommonJS module (`.cjs`, or `.js`
 * elsewhere) as members of `module.exports`. Everything is checked at start: the file exists and
 * loads, every export is a function named after an operation of the service.
 *
 * This file imports nothing of the project but types, so that it runs as it is once transpiled
 * (the tests load ES modules through it in a child process, where a real `import()` works).
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServiceModel } from '../contract/model';
import type { HandlerModule, OperationHandlerFunction } from './handlerApi';

/** A handler module the emulator cannot use; `problems` has one line per mistake. */
export class HandlerModuleError extends Error {
  override readonly name = 'HandlerModuleError';
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(
      problems.length === 1 ? problems[0] : `${problems.length} problems:\n${problems.join('\n')}`,
      options,
    );
  }
}

/**
 * A real dynamic import. The project compiles to CommonJS, where TypeScript rewrites a literal
 * `import()` into `require()`, which cannot load an ES module; a function built from text is left
 * alone by the compiler.
 */
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<Record<string, unknown>>;

export type ModuleFormat = 'esm' | 'commonjs';

/** The `type` of the package.json nearest to a file (Node's rule for `.js`), 'commonjs' when none says module. */
function packageType(file: string): ModuleFormat {
  let dir = dirname(file);
  for (;;) {
    const manifest = join(dir, 'package.json');
    let text: string | undefined;
    try {
      text = readFileSync(manifest, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        return (JSON.parse(text) as { type?: unknown }).type === 'module' ? 'esm' : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return 'commonjs';
    dir = parent;
  }
}

/** How Node loads a file, by its extension; a string says why it cannot be a handler module. */
export function moduleFormat(file: string): ModuleFormat | string {
  const extension = extname(file);
  switch (extension) {
    case '.mjs':
      return 'esm';
    case '.cjs':
      return 'commonjs';
    case '.js':
      return packageType(file);
    default:
      return (
        `a handler module is JavaScript: .mjs (an ES module), .cjs (CommonJS) or .js (as its package.json's "type" says), ` +
        `not "${extension || '(no extension)'}"` +
        (extension === '.ts' || extension === '.mts' || extension === '.cts'
          ? '; compile it to JavaScript first'
          : '')
      );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : type === 'undefined' ? 'undefined' : `a ${type}`;
}

/** What the module exports, as name → value, with where each came from (for messages). */
function exportedEntries(exports: unknown, problems: string[], file: string): [string, unknown, string][] {
  if (typeof exports === 'function') {
    problems.push(
      `handler module ${file}: exports a single function; export one function per operation, named as the operation`,
    );
    return [];
  }
  if (exports === null || typeof exports !== 'object') {
    problems.push(`handler module ${file}: exports ${describe(exports)}; export one function per operation`);
    return [];
  }
  const entries: [string, unknown, string][] = [];
  const record = exports as Record<string, unknown>;
  const transpiled = record.__esModule === true;
  for (const name of Object.keys(record)) {
    if (name === '__esModule' && transpiled) continue;
    if (name !== 'default') {
      entries.push([name, record[name], `export "${name}"`]);
      continue;
    }
    const fallback = record.default;
    if (fallback !== null && typeof fallback === 'object' && !Array.isArray(fallback)) {
      const members = fallback as Record<string, unknown>;
      for (const member of Object.keys(members)) {
        const value = members[member];
        entries.push([
          member,
          typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(members) : value,
          `default export member "${member}"`,
        ]);
      }
    } else {
      problems.push(
        `handler module ${file}: the default export is ${describe(fallback)}; ` +
          'a default export is an object of functions named as operations ({ GetDocumentInfo() { … } }), ' +
          'or export each function by name',
      );
    }
  }
  return entries;
}

function caseHint(name: string, service: ServiceModel): string {
  const operation = service.byLowerCaseName.get(name.toLowerCase());
  return operation === undefined || operation.name === name
    ? ''
    : ` (did you mean "${operation.name}"? names are case-sensitive)`;
}

/** Checks a module's exports against the service; pushes problems, returns the handlers. */
export function handlersOf(
  exports: unknown,
  service: ServiceModel,
  file: string,
  problems: string[],
): HandlerModule {
  const handlers: Record<string, OperationHandlerFunction> = Object.create(null) as Record<
    string,
    OperationHandlerFunction
  >;
  const origin = new Map<string, string>();
  for (const [name, value, where] of exportedEntries(exports, problems, file)) {
    if (!service.byName.has(name)) {
      problems.push(
        `handler module ${file}: ${where} is not an operation of ${service.name}${caseHint(name, service)}; ` +
          `a handler module exports only functions named as operations: ${service.operations.map((o) => o.name).join(', ')}`,
      );
      continue;
    }
    if (typeof value !== 'function') {
      problems.push(
        `handler module ${file}: ${where} is ${describe(value)}, not a function; ` +
          `export the handler of ${name} as an (async) function (args, context) => result`,
      );
      continue;
    }
    const earlier = origin.get(name);
    if (earlier !== undefined) {
      problems.push(`handler module ${file}: ${where} and ${earlier} both answer ${name}; keep one of them`);
      continue;
    }
    origin.set(name, where);
    handlers[name] = value as OperationHandlerFunction;
  }
  if (origin.size === 0 && problems.length === 0) {
    problems.push(
      `handler module ${file}: exports no handler; export one (async) function per operation, named as the operation ` +
        '(export async function GetDocumentInfo(args, context) { … }, or module.exports = { GetDocumentInfo } in CommonJS)',
    );
  }
  return Object.freeze(handlers);
}

/** Loads a handler module and checks it against the service. Rejects with a {@link HandlerModuleError}. */
export async function loadHandlerModule(file: string, service: ServiceModel): Promise<HandlerModule> {
  const path = resolve(file);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new HandlerModuleError(
      [
        `handler module ${path} ${missing ? 'does not exist' : `cannot be read: ${(error as Error).message}`}`,
      ],
      { cause: error },
    );
  }
  if (!isFile) throw new HandlerModuleError([`handler module ${path} is not a file`]);
  const format = moduleFormat(path);
  if (format !== 'esm' && format !== 'commonjs')
    throw new HandlerModuleError([`handler module ${path}: ${format}`]);

  const isError = (value: unknown): value is Error =>
    typeof value === 'object' && value !== null && typeof (value as Error).message === 'string';
  let exports: unknown;
  try {
    exports = format === 'esm' ? await importModule(pathToFileURL(path).href) : createRequire(path)(path);
  } catch (error) {
    const message = isError(error) ? `${error.name}: ${error.message}` : String(error);
    // By name, not instanceof: the error may come from another realm (a vm context, as under jest).
    const esmSyntax =
      format === 'commonjs' &&
      isError(error) &&
      error.name === 'SyntaxError' &&
      /\b(import|export)\b/.test(error.message) &&
      ` (it is loaded as CommonJS: name an ES module .mjs, or put "type": "module" in its package.json)`;
    throw new HandlerModuleError([`handler module ${path} failed to load: ${message}${esmSyntax || ''}`], {
      cause: error,
    });
  }
  const problems: string[] = [];
  const handlers = handlersOf(exports, service, path, problems);
  if (problems.length > 0) throw new HandlerModuleError(problems);
  return handlers;
}
