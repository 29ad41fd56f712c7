import type { OperationModel, ServiceModel } from '../contract/model';
import type { Answerer, BuiltInAnswerer } from './answerer';
import type { HandlerModule, OperationHandlerFunction } from './handlerApi';

/** The answerers of a service's stub folder, by operation (see services/stubs). */
export interface StubAnswerers {
  answerer(operationName: string): OperationHandlerFunction | undefined;
}

export interface ServiceParts {
  /** Where the service is served, e.g. `/srv.asmx` (matched case-insensitively, as IIS does). */
  readonly path: string;
  readonly model: ServiceModel;
  /** Built-in operations (the session service) by name; only those the WSDL declares are used. */
  readonly builtIns?: ReadonlyMap<string, BuiltInAnswerer>;
  /** Over GET/POST these parameters may be left out (null), where ASMX would say "Missing parameter". */
  readonly optionalParameters?: Readonly<Record<string, readonly string[]>>;
  readonly handlers?: HandlerModule;
  readonly stubs?: StubAnswerers;
}

/** A service ready to answer: its model, and who answers each operation, in precedence order. */
export interface ServiceRuntime {
  readonly path: string;
  readonly model: ServiceModel;
  answerers(operation: OperationModel): readonly Answerer[];
  optionalParameters(operation: OperationModel): ReadonlySet<string>;
  /** Operations nobody answers: they answer as `throw new NotImplementedException()` would. */
  readonly notImplemented: readonly string[];
}

const NONE: ReadonlySet<string> = new Set();

/** Composes a service from its parts. Precedence per operation: built-in, handler module, stubs. */
export function buildServiceRuntime(parts: ServiceParts): ServiceRuntime {
  const byOperation = new Map<string, readonly Answerer[]>();
  const optional = new Map<string, ReadonlySet<string>>();
  const notImplemented: string[] = [];
  for (const operation of parts.model.operations) {
    const answerers: Answerer[] = [];
    const builtIn = parts.builtIns?.get(operation.name);
    if (builtIn) answerers.push(builtIn);
    const handler = parts.handlers?.[operation.name];
    if (handler) answerers.push({ source: 'handler', call: handler });
    const stub = parts.stubs?.answerer(operation.name);
    if (stub) answerers.push({ source: 'stub', call: stub });
    if (answerers.length === 0) notImplemented.push(operation.name);
    byOperation.set(operation.name, answerers);
    const names = builtIn ? parts.optionalParameters?.[operation.name] : undefined;
    if (names) optional.set(operation.name, new Set(names));
  }
  return {
    path: parts.path,
    model: parts.model,
    answerers: (operation) => byOperation.get(operation.name) ?? [],
    optionalParameters: (operation) => optional.get(operation.name) ?? NONE,
    notImplemented,
  };
}
