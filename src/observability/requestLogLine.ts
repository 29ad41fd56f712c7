import { tracingChannel } from 'node:diagnostics_channel';
import pino, { type Logger } from 'pino';

const {
  chindingsSym,
  endSym,
  errorKeySym,
  formattersSym,
  hooksSym,
  lsCacheSym,
  mixinSym,
  needsMetadataGsym,
  nestedKeySym,
  serializersSym,
  streamSym,
  stringifiersSym,
  timeSym,
  wildcardFirstSym,
} = pino.symbols;

/** The fields of a request's line, in their order. */
const FIELDS = ['requestId', 'method', 'outcome', 'status', 'ms'] as const;

/** What pino keeps on a logger under its symbols (lib/proto.js `write`, lib/tools.js `_asJson`). */
type PinoInternals = Record<symbol, unknown> & {
  readonly levels?: { readonly values?: Record<string, number> };
};

/** A destination, as pino writes to it. */
interface LineStream {
  write(line: string): unknown;
}

/** What a line is made of, read from the logger once. */
interface Template {
  /** `{"level":30`, as pino caches it. */
  readonly level: string;
  /** `,"time":…`: pino's time function, or the same text kept for the millisecond it names. */
  readonly time: () => string;
  readonly end: string;
  readonly stream: LineStream;
}

/**
 * pino's diagnostics channel around the serialising of every line (lib/tools.js `asJson`): while
 * anyone listens, lines are pino's own, so they see them.
 */
const asJsonChannel = tracingChannel('pino_asJson');

/**
 * The line logged for every request, the same bytes pino writes for
 * `child.info({ requestId, method, outcome, status, ms })`, written to the logger's stream
 * without pino's generic path (its property walk, serializer and redaction look-ups, and a
 * diagnostics-channel check per field): level, time and the child's bindings (the base ones
 * included) as pino serialised them, then the five fields, escaped as pino escapes them. A
 * logger that could write anything else (a mixin, hooks, a log formatter, serializers or redaction
 * of these fields, a stream that wants metadata) gets pino's own call.
 */
export class RequestLogLine {
  private readonly template: Template | undefined;

  constructor(private readonly log: Logger) {
    this.template = templateOf(log as unknown as PinoInternals);
  }

  /** Whether lines are written without pino's generic path (for tests). */
  get direct(): boolean {
    return this.template !== undefined;
  }

  /** Whether info lines are written, at the logger's level now. */
  enabled(): boolean {
    return this.log.isLevelEnabled('info');
  }

  /**
   * Writes the line (the caller checks {@link enabled}, as pino writes nothing below its level);
   * `ms` is `durationMs` to the hundredth, `Math.round(durationMs * 100) / 100`.
   */
  write(requestId: unknown, method: unknown, outcome: string, status: number, durationMs: number): void {
    const template = this.template;
    const hundredths = Math.round(durationMs * 100);
    if (
      template === undefined ||
      typeof requestId !== 'string' ||
      typeof method !== 'string' ||
      asJsonChannel.hasSubscribers
    ) {
      this.log.info({ requestId, method, outcome, status, ms: hundredths / 100 });
      return;
    }
    const log = this.log as unknown as PinoInternals;
    template.stream.write(
      template.level +
        template.time() +
        (log[chindingsSym] as string) +
        ',"requestId":' +
        asString(requestId) +
        ',"method":' +
        asString(method) +
        ',"outcome":' +
        asString(outcome) +
        ',"status":' +
        asNumber(status) +
        ',"ms":' +
        asHundredths(hundredths) +
        template.end,
    );
  }
}

/** The parts of a line pino would write the same, or none if it might write anything else. */
function templateOf(log: PinoInternals): Template | undefined {
  const info = log.levels?.values?.info;
  const level =
    info === undefined ? undefined : (log[lsCacheSym] as Record<number, unknown> | undefined)?.[info];
  const end = log[endSym];
  const stream = log[streamSym] as (Partial<LineStream> & Record<symbol, unknown>) | undefined;
  const serializers = (log[serializersSym] ?? {}) as Record<string, unknown>;
  const stringifiers = (log[stringifiersSym] ?? {}) as Record<string | symbol, unknown>;
  const formatters = log[formattersSym] as { readonly log?: unknown } | undefined;
  const hooks = log[hooksSym] as { readonly logMethod?: unknown; readonly streamWrite?: unknown } | undefined;
  const plain =
    info === 30 &&
    typeof level === 'string' &&
    typeof end === 'string' &&
    typeof log[timeSym] === 'function' &&
    typeof log[chindingsSym] === 'string' &&
    typeof stream?.write === 'function' &&
    stream[needsMetadataGsym] !== true &&
    !log[mixinSym] &&
    !log[nestedKeySym] &&
    !formatters?.log &&
    !hooks?.logMethod &&
    !hooks?.streamWrite &&
    !stringifiers[wildcardFirstSym] &&
    FIELDS.every((field) => !serializers[field] && !stringifiers[field] && field !== log[errorKeySym]);
  if (!plain) return undefined;
  const time =
    log[timeSym] === pino.stdTimeFunctions.epochTime ? epochTimeOfThisMs : (log[timeSym] as () => string);
  return { level, time, end, stream: stream as LineStream };
}

/** pino's number in a line: a finite number as JavaScript prints it, anything else `null`. */
let timeMs = Number.NaN;
let timeText = '';

/**
 * pino's epochTime (`,"time":` and Date.now()), its text made once per millisecond: tens of
 * lines share each one under load, and turning the number into text cost ~0.2 µs a line.
 */
function epochTimeOfThisMs(): string {
  const now = Date.now();
  if (now !== timeMs) {
    timeMs = now;
    timeText = ',"time":' + now;
  }
  return timeText;
}

function asNumber(value: number): string {
  return Number.isFinite(value) ? '' + value : 'null';
}

/**
 * `k / 100` as pino prints it (JavaScript's shortest form), from the integer: printing a fraction
 * costs several times more. Exact below 10^15, where a double is finer than a hundredth, so the
 * decimal with its trailing zeros dropped is the shortest form; pino's own way beyond.
 */
export function asHundredths(k: number): string {
  if (!(k >= 0 && k < 1e15)) return asNumber(k / 100);
  const whole = Math.floor(k / 100);
  const rest = k - whole * 100;
  if (rest === 0) return '' + whole;
  if (rest % 10 === 0) return whole + '.' + rest / 10;
  return whole + (rest < 10 ? '.0' : '.') + rest;
}

/**
 * pino's string in a line (lib/tools.js `asString`), to the byte: `"` and `\` escaped by hand
 * (a lone surrogate left as it is), JSON.stringify from 100 characters or at a control character.
 */
export function asString(str: string): string {
  let result = '';
  let last = 0;
  let found = false;
  let point = 255;
  const l = str.length;
  if (l > 100) {
    return JSON.stringify(str);
  }
  for (let i = 0; i < l && point >= 32; i++) {
    point = str.charCodeAt(i);
    if (point === 34 || point === 92) {
      result += str.slice(last, i) + '\\';
      last = i;
      found = true;
    }
  }
  if (!found) {
    result = str;
  } else {
    result += str.slice(last);
  }
  return point < 32 ? JSON.stringify(str) : '"' + result + '"';
}
