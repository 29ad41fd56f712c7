import { tracingChannel } from 'node:diagnostics_channel';
import fc from 'fast-check';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { createLogger } from '../src/observability/logger';
import { RequestLogLine, asHundredths } from '../src/observability/requestLogLine';

/** The seed of every property here: a failure reproduces (fast-check prints it with the path). */
const SEED = 20260722;

/** A destination that keeps every line written to it. */
function sink(): DestinationStream & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line: string) => void lines.push(line) };
}

interface Fields {
  readonly requestId: string;
  readonly method: string;
  readonly outcome: string;
  readonly status: number;
  /** What the emulator measured: the line has it to the hundredth. */
  readonly durationMs: number;
}

/** The request line both ways, fast and pino's own, on the same child. */
function bothLines(
  child: Logger,
  lines: string[],
  fields: Fields,
  line = new RequestLogLine(child),
): [string, string] {
  lines.length = 0;
  const { requestId, method, outcome, status, durationMs } = fields;
  line.write(requestId, method, outcome, status, durationMs);
  child.info({ requestId, method, outcome, status, ms: Math.round(durationMs * 100) / 100 });
  expect(lines).toHaveLength(2);
  return [lines[0] as string, lines[1] as string];
}

// Characters pino escapes, those it does not (lone surrogates, U+2028), and any UTF-16 unit.
const unit = fc.oneof(
  fc.constantFrom('"', '\\', '\u0000', '\n', '\r', '\t', '\u001f', ' ', '\u007f', '\u2028', '\u2029'),
  fc.constantFrom('\ud800', '\udc00', '\udbff', '\ud83d\ude00', 'é', 'ß', '中', '\ufeff', '\uffff'),
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  fc.string({ maxLength: 3 }),
);
// Around pino's 100-character switch to JSON.stringify.
const text = fc.oneof(
  fc.string({ unit, maxLength: 12 }),
  fc.string({ unit, minLength: 95, maxLength: 110 }),
  fc.string({
    unit: fc.constantFrom('a', '"', '\\', '\ud800', '\udfff', 'é'),
    minLength: 95,
    maxLength: 110,
  }),
  fc.string({ unit: 'binary', maxLength: 130 }),
);
const number = fc.oneof(
  fc.integer({ min: 100, max: 599 }),
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e21, 1.5e-7, 0.1 + 0.2),
);
// Durations as measured (fractions of a millisecond), and large, odd and no numbers.
const duration = fc.oneof(
  fc.double({ min: 0, max: 100, noNaN: true }),
  fc.double({ min: 0, max: 1e16, noNaN: true }),
  fc.integer({ min: 0, max: 1_000_000 }).map((k) => k / 100),
  fc.constantFrom(0.005, 0.015, 1.005, 9.995, 99.995, 1e13 - 0.005, 1e13, 1e19, 1e21, 1e23),
  number,
);
const fields: fc.Arbitrary<Fields> = fc.record({
  requestId: text,
  method: fc.oneof(fc.constantFrom('GET', 'POST', 'M-SEARCH'), text),
  outcome: fc.oneof(fc.constantFrom('success', 'E901', 'P_VersionMismatch'), text),
  status: number,
  durationMs: duration,
});
const bindings = fc.record({ service: text, transport: text, operation: text });

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(1_790_000_000_123));
afterEach(() => jest.restoreAllMocks());

test("the emulator's logger: the same bytes as pino's own line, for random bindings and fields", () => {
  const out = sink();
  const logger = createLogger('info', out);
  fc.assert(
    fc.property(bindings, fields, (bound, logged) => {
      const child = logger.child({ ...bound });
      const line = new RequestLogLine(child);
      expect(line.direct).toBe(true);
      const [fast, own] = bothLines(child, out.lines, logged, line);
      expect(fast).toBe(own);
    }),
    { seed: SEED, numRuns: 3000 },
  );
});

test("what the line looks like: the base service and the child's both, then the fields in order", () => {
  const out = sink();
  const child = createLogger('info', out).child({
    service: '/srv.asmx',
    transport: 'soap11',
    operation: 'LogOut',
  });
  new RequestLogLine(child).write('a"b\\c', 'POST', 'E901', 200, 1.2549);
  expect(out.lines).toEqual([
    '{"level":30,"time":1790000000123,"service":"asmx-emulator","service":"/srv.asmx","transport":"soap11","operation":"LogOut",' +
      '"requestId":"a\\"b\\\\c","method":"POST","outcome":"E901","status":200,"ms":1.25}\n',
  ]);
});

test('each line has the time it was written: lines of one millisecond share it, the next one has its own', () => {
  const out = sink();
  const child = createLogger('info', out).child({ operation: 'LogOut' });
  const line = new RequestLogLine(child);
  const now = jest.spyOn(Date, 'now');
  for (const ms of [
    1_790_000_000_123, 1_790_000_000_123, 1_790_000_000_124, 1_790_000_000_999, 1_790_000_001_000,
  ]) {
    now.mockReturnValue(ms);
    const [fast, own] = bothLines(
      child,
      out.lines,
      {
        requestId: 'r',
        method: 'GET',
        outcome: 'E901',
        status: 200,
        durationMs: 1,
      },
      line,
    );
    expect(fast).toBe(own);
    expect(fast).toContain(`"time":${ms},`);
  }
});

// Options that change a line in ways the fast line takes from pino (level, time, bindings, end).
const sameShape: ReadonlyArray<[string, LoggerOptions]> = [
  ['an ISO time', { timestamp: pino.stdTimeFunctions.isoTime }],
  ['no time', { timestamp: false }],
  ['CRLF', { crlf: true }],
  ['no base', { base: null }],
  ['a name', { name: 'edge "one"' }],
  ['a level formatter', { formatters: { level: (label) => ({ severity: label.toUpperCase() }) } }],
  ['a bindings formatter', { formatters: { bindings: (b) => ({ ...b, zone: 'eu' }) } }],
  ['redaction of other fields', { redact: ['ticket', 'a.b'] }],
  ['another message key', { messageKey: 'requestId' }],
  ['serializers of other fields', { serializers: { ticket: () => 'x' } }],
];

test.each(sameShape)('a logger with %s: fast, and the same bytes', (_name, options) => {
  const out = sink();
  const child = pino({ level: 'info', ...options }, out).child({ transport: 'get', operation: 'LogOut' });
  fc.assert(
    fc.property(fields, (logged) => {
      const line = new RequestLogLine(child);
      expect(line.direct).toBe(true);
      const [fast, own] = bothLines(child, out.lines, logged, line);
      expect(fast).toBe(own);
    }),
    { seed: SEED, numRuns: 200 },
  );
});

// Options with which pino may write something else: its own call then.
const otherShape: ReadonlyArray<[string, LoggerOptions]> = [
  ['a mixin', { mixin: () => ({ extra: 1 }) }],
  ['a log formatter', { formatters: { log: (o) => ({ ...o, shape: 'log' }) } }],
  [
    'a logMethod hook',
    {
      hooks: {
        logMethod(args, method) {
          method.apply(this, args);
        },
      },
    },
  ],
  ['a streamWrite hook', { hooks: { streamWrite: (s) => s.replace('"level"', '"lvl"') } }],
  ['a serializer of a field', { serializers: { method: (m: string) => m.toLowerCase() } }],
  ['redaction of a field', { redact: ['requestId'] }],
  ['redaction below a field', { redact: ['method.x'] }],
  ['wildcard redaction', { redact: ['*.secret'] }],
  ['a field as the error key', { errorKey: 'status' }],
  ['a nested key', { nestedKey: 'payload' }],
];

test.each(otherShape)("a logger with %s: pino's own line", (_name, options) => {
  const out = sink();
  const child = pino({ level: 'info', ...options }, out).child({ transport: 'get' });
  const line = new RequestLogLine(child);
  expect(line.direct).toBe(false);
  const [fast, own] = bothLines(child, out.lines, {
    requestId: 'r-1',
    method: 'GET',
    outcome: 'success',
    status: 200,
    durationMs: 0.5,
  });
  expect(fast).toBe(own);
});

test("a destination that wants pino's metadata (multistream): pino's own line", () => {
  const out = sink();
  const child = pino({ level: 'info' }, pino.multistream([{ stream: out }])).child({ transport: 'get' });
  const line = new RequestLogLine(child);
  expect(line.direct).toBe(false);
  line.write('r-1', 'GET', 'success', 200, 0.5);
  expect(out.lines).toHaveLength(1);
});

test("a request id that is no string (repeated headers in an odd client's hands): pino's own call", () => {
  const out = sink();
  const child = createLogger('info', out).child({ transport: 'get' });
  const line = new RequestLogLine(child);
  line.write(['a', 'b'], 'GET', 'success', 200, 0.5);
  child.info({ requestId: ['a', 'b'], method: 'GET', outcome: 'success', status: 200, ms: 0.5 });
  expect(out.lines[0]).toBe(out.lines[1]);
  expect(JSON.parse(out.lines[0] as string)).toMatchObject({ requestId: ['a', 'b'] });
});

test('the level of the logger now: no line below info, lines again once info is back', () => {
  const out = sink();
  const root = createLogger('warn', out);
  expect(new RequestLogLine(root.child({ transport: 'get' })).enabled()).toBe(false);
  root.level = 'info';
  const child = root.child({ transport: 'get' });
  const line = new RequestLogLine(child);
  expect(line.enabled()).toBe(true);
  child.level = 'error';
  expect(line.enabled()).toBe(false);
  child.level = 'debug';
  expect(line.enabled()).toBe(true);
  // Bindings set at run time are in the next line, as in pino's.
  child.setBindings({ operation: 'LogOut' });
  const [fast, own] = bothLines(
    child,
    out.lines,
    { requestId: 'r', method: 'GET', outcome: 'x', status: 1, durationMs: 2 },
    line,
  );
  expect(fast).toBe(own);
  expect(fast).toContain('"operation":"LogOut"');
});

test("while someone listens on pino's diagnostics channel, lines are pino's own, so they see them", () => {
  const out = sink();
  const child = createLogger('info', out).child({ transport: 'get' });
  const line = new RequestLogLine(child);
  const seen: unknown[] = [];
  const channel = tracingChannel('pino_asJson');
  const listeners = {
    start: (message: unknown) => seen.push(message),
    end: () => undefined,
    asyncStart: () => undefined,
    asyncEnd: () => undefined,
    error: () => undefined,
  };
  channel.subscribe(listeners);
  try {
    line.write('r-1', 'GET', 'success', 200, 0.5);
  } finally {
    channel.unsubscribe(listeners);
  }
  expect(seen).toHaveLength(1);
  line.write('r-1', 'GET', 'success', 200, 0.5);
  expect(seen).toHaveLength(1);
  expect(out.lines[0]).toBe(out.lines[1]);
});

test('hundredths printed from the integer as JavaScript prints the fraction: every one to 20,000 ms, then at random', () => {
  const printed = (k: number) => {
    const ms = k / 100;
    return Number.isFinite(ms) ? String(ms) : 'null';
  };
  for (let k = 0; k <= 2_000_000; k++) {
    if (asHundredths(k) !== printed(k)) expect(asHundredths(k)).toBe(printed(k));
  }
  for (const k of [-0, -1, 1e15 - 1, 1e15, 1e15 + 1, 2 ** 53, 1e23, NaN, Infinity, -Infinity]) {
    expect(asHundredths(k)).toBe(printed(k));
  }
  fc.assert(
    fc.property(fc.oneof(fc.integer({ min: 0, max: 1e15 - 1 }), fc.double()), (k) => {
      const whole = Number.isInteger(k) ? k : Math.round(k);
      expect(asHundredths(whole)).toBe(printed(whole));
    }),
    { seed: SEED, numRuns: 100_000 },
  );
});
