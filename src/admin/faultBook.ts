import { z } from 'zod';
import { codeOfMessage, STORE_UNAVAILABLE, type CallOutcome } from '../services/callOutcome';
import { rootError } from '../xml/rootElement';

export const FAULT_KINDS = [
  'store-unavailable',
  'latency',
  'soap-fault',
  'http-500',
  'reset-connection',
  'error',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const TRANSPORTS = ['soap11', 'soap12', 'http-get', 'http-post', 'any'] as const;

/** What `POST /_emulator/faults` takes; every field but `fault` has a default. */
export const FaultSpecSchema = z
  .object({
    fault: z.enum(FAULT_KINDS),
    operation: z.string().min(1).max(200).default('any'),
    service: z.string().min(1).max(1000).default('any'),
    transport: z.enum(TRANSPORTS).default('any'),
    times: z.coerce.number().int().min(1).max(1_000_000).default(1),
    latencyMs: z.coerce.number().int().min(0).max(120_000).default(1000),
    message: z.string().min(1).max(2000).optional(),
  })
  .strict();
export type FaultSpec = z.output<typeof FaultSpecSchema>;

/** An armed fault as `GET /_emulator/faults` lists it. */
export interface ArmedFault extends FaultSpec {
  readonly id: string;
  /** Matching calls it will still take. */
  readonly remaining: number;
}

/** The call a fault may match. */
export interface FaultCall {
  readonly service: string;
  readonly operation: string;
  readonly transport: string;
}

/** The default texts of the faults that carry one. */
export const DEFAULT_FAULT_MESSAGES: Readonly<Partial<Record<FaultKind, string>>> = {
  'soap-fault': 'Server was unable to process request. ---> Fault injected by the emulator',
  error: '[999] Error injected by the emulator',
};

/**
 * Faults armed by the admin API, matched against calls by service, operation and transport
 * (`any` matches all; service paths and operation names as the emulator matches them: paths
 * case-insensitively, operations exactly). Each matching call consumes one; the first armed
 * fault that matches wins. Knows nothing of HTTP.
 */
export interface FaultInjector {
  /** True when some fault is armed: the hot path asks this, synchronously, before anything else. */
  armed(): boolean;
  arm(spec: FaultSpec): Promise<ArmedFault>;
  list(): Promise<ArmedFault[]>;
  /** Disarms one fault by id (true when it was armed), or all of them without an id. */
  disarm(id?: string): Promise<boolean>;
  /** The fault the call meets, consuming one of its times; undefined for none. */
  take(call: FaultCall): Promise<ArmedFault | undefined>;
}

export function faultMatches(fault: FaultSpec, call: FaultCall): boolean {
  return (
    (fault.operation === 'any' || fault.operation === call.operation) &&
    (fault.transport === 'any' || fault.transport === call.transport) &&
    (fault.service === 'any' || fault.service.toLowerCase() === call.service.toLowerCase())
  );
}

/** The faults of one emulator, in its memory. */
export class MemoryFaultBook implements FaultInjector {
  private faults: { spec: FaultSpec; id: string; remaining: number }[] = [];
  private sequence = 0;

  armed(): boolean {
    return this.faults.length > 0;
  }

  async arm(spec: FaultSpec): Promise<ArmedFault> {
    const entry = { spec, id: `f${++this.sequence}`, remaining: spec.times };
    this.faults.push(entry);
    return view(entry);
  }

  async list(): Promise<ArmedFault[]> {
    return this.faults.map(view);
  }

  async disarm(id?: string): Promise<boolean> {
    const before = this.faults.length;
    this.faults = id === undefined ? [] : this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  async take(call: FaultCall): Promise<ArmedFault | undefined> {
    const entry = this.faults.find((f) => faultMatches(f.spec, call));
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining <= 0) this.faults = this.faults.filter((f) => f !== entry);
    return view(entry);
  }
}

function view(entry: { spec: FaultSpec; id: string; remaining: number }): ArmedFault {
  return { id: entry.id, ...entry.spec, remaining: Math.max(0, entry.remaining) };
}

/** What the HTTP layer does with a fault: answer an outcome, wait first, answer a bare 500, or cut the connection. */
export type FaultEffect =
  | { readonly effect: 'outcome'; readonly outcome: CallOutcome }
  | { readonly effect: 'delay'; readonly ms: number }
  | { readonly effect: 'http-500' }
  | { readonly effect: 'reset' };

/**
 * The effect of a fault on a call of an operation. None touches the store: a store-unavailable
 * fault is the outcome a real outage gives ([903], nothing was changed), so a LogOut that fails
 * this way leaves its ticket alive, as a real outage would.
 */
export function faultEffect(fault: FaultSpec, returnsXmlNode: boolean): FaultEffect {
  switch (fault.fault) {
    case 'store-unavailable':
      return { effect: 'outcome', outcome: STORE_UNAVAILABLE };
    case 'latency':
      return { effect: 'delay', ms: fault.latencyMs };
    case 'http-500':
      return { effect: 'http-500' };
    case 'reset-connection':
      return { effect: 'reset' };
    case 'soap-fault': {
      const message = fault.message ?? (DEFAULT_FAULT_MESSAGES['soap-fault'] as string);
      return {
        effect: 'outcome',
        outcome: { kind: 'fault', message, faultCode: 'Server', code: codeOfMessage(message) },
      };
    }
    case 'error': {
      // As the operation itself fails: `<root success="false" error="…">` for an XmlNode result,
      // else SoapException(message, ClientFaultCode), as the ticket guard answers [901].
      const message = fault.message ?? (DEFAULT_FAULT_MESSAGES.error as string);
      const code = codeOfMessage(message);
      return {
        effect: 'outcome',
        outcome: returnsXmlNode
          ? { kind: 'value', value: rootError(message), code }
          : { kind: 'fault', message, faultCode: 'Client', code },
      };
    }
  }
}
