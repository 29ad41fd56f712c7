import type { OperationModel, ServiceModel } from '../contract/model';
import type { Answerer, BuiltInAnswerer, ValueAnswerer } from './answerer';
import { isHttpParameterTypeSupported } from '../codec/dotnetParse';
import type { HandlerModule, OperationHandlerFunction } from './handlerApi';

/** The answerers of a service's stub folder, by operation (see services/stubs). */
export interface StubAnswerers {
  answerer(operationName: string): OperationHandlerFunction | undefined;
}

export interface ServiceParts {
  /** Where the service is served, e.g. `/srv.asmx` (matched case-insensitively, as IIS does). */
  readonly path: string;
  readonly model: ServiceModel;
  /** Built-in operations (the session service) by name; used for WSDL operations of that name and signature. */
  readonly builtIns?: ReadonlyMap<string, BuiltInAnswerer>;
  readonly handlers?: HandlerModule;
  readonly stubs?: StubAnswerers;
  /** Forward mode: the answerer after the stubs, forwarding to the upstream (see src/upstream). */
  readonly forward?: (operation: OperationModel) => ValueAnswerer;
}

/** A service ready to answer: its model, and who answers each operation, in precedence order. */
export interface ServiceRuntime {
  readonly path: string;
  readonly model: ServiceModel;
  answerers(operation: OperationModel): readonly Answerer[];
  optionalParameters(operation: OperationModel): ReadonlySet<string>;
  /** Operations nobody answers: they answer as `throw new NotImplementedException()` would. */
  readonly notImplemented: readonly string[];
  /** Whether ASMX's HTTP reader can read the operation's parameters from a query string or form. */
  httpReadable(operation: OperationModel): boolean;
  /** What the start should tell about how the operations are answered (shadowed answerers, skipped built-ins). */
  readonly notes: readonly string[];
}

const NONE: ReadonlySet<string> = new Set();

/** Composes a service from its parts. Precedence per operation: built-in, handler module, stubs, the upstream. */
export function buildServiceRuntime(parts: ServiceParts): ServiceRuntime {
  const byOperation = new Map<string, readonly Answerer[]>();
  const optional = new Map<string, ReadonlySet<string>>();
  const unreadable = new Set<string>();
  const notImplemented: string[] = [];
  const notes: string[] = [];
  for (const operation of parts.model.operations) {
    const answerers: Answerer[] = [];
    const handler = parts.handlers?.[operation.name];
    const stub = parts.stubs?.answerer(operation.name);
    const builtIn = parts.builtIns?.get(operation.name);
    if (builtIn && fitsBuiltIn(operation, builtIn)) {
      answerers.push(builtIn);
      optional.set(operation.name, new Set(builtIn.optionalParameters));
      if (handler || stub)
        notes.push(
          `${operation.name} is answered by the built-in session operation; its ${handler ? 'handler' : 'stubs'} are not used`,
        );
    } else if (builtIn) {
      notes.push(
        `${operation.name} has another signature than the built-in session operation of that name, which does not answer it`,
      );
    }
    if (handler) answerers.push({ source: 'handler', call: handler });
    if (stub) answerers.push({ source: 'stub', call: stub });
    // The emulator owns the sessions: a built-in operation is never forwarded.
    if (parts.forward && answerers[0]?.source !== 'built-in') answerers.push(parts.forward(operation));
    if (answerers.length === 0) notImplemented.push(operation.name);
    byOperation.set(operation.name, answerers);
    const http = operation.protocols.has('httpGet') || operation.protocols.has('httpPost');
    if (http && !operation.params.every((p) => isHttpParameterTypeSupported(p.type))) {
      // ASMX generates no HTTP binding for such a method; it answers "method name is not valid" there.
      unreadable.add(operation.name);
      notes.push(
        `${operation.name} has parameters a query string or form cannot carry; it answers over SOAP only`,
      );
    }
  }
  return {
    path: parts.path,
    model: parts.model,
    answerers: (operation) => byOperation.get(operation.name) ?? [],
    optionalParameters: (operation) => optional.get(operation.name) ?? NONE,
    notImplemented,
    httpReadable: (operation) => !unreadable.has(operation.name),
    notes,
  };
}

/** A built-in answers a WSDL operation of its name only with its parameters and an XmlNode result. */
function fitsBuiltIn(operation: OperationModel, builtIn: BuiltInAnswerer): boolean {
  return (
    operation.result?.type.kind === 'xmlNode' &&
    operation.params.length === builtIn.parameters.length &&
    operation.params.every(
      (p, i) => p.name === builtIn.parameters[i] && p.type.kind === 'primitive' && p.type.name === 'string',
    )
  );
}
