import fc from 'fast-check';
import { Histogram, Registry, type LabelValues } from 'prom-client';
import { TallyHistogram } from '../src/observability/tallyHistogram';

/** The seed of every property here: a failure reproduces (fast-check prints it with the path). */
const SEED = 20260721;

type Histo = Histogram<string>;
type Child = ReturnType<Histo['labels']>;

/** One step on both histograms. */
type Step =
  | { kind: 'bind'; values: unknown[] }
  | { kind: 'observe'; child: number; value: number }
  | { kind: 'timer'; child: number }
  | { kind: 'direct'; labels: Record<string, unknown>; value: number }
  | { kind: 'byObject'; labels: Record<string, unknown>; value: number }
  | { kind: 'zero'; labels: Record<string, unknown> }
  | { kind: 'remove'; values: unknown[] }
  | { kind: 'removeByObject'; labels: Record<string, unknown> }
  | { kind: 'reset' }
  | { kind: 'read' };

interface Side {
  readonly registry: Registry;
  readonly histogram: Histo;
  readonly children: Child[];
}

function side(make: (registry: Registry) => Histo): Side {
  const registry = new Registry();
  return { registry, histogram: make(registry), children: [] };
}

/** Runs a step; what it threw, by kind and message (prom-client's errors must be the same). */
function run(on: Side, step: Step): string | undefined {
  try {
    switch (step.kind) {
      case 'bind':
        on.children.push((on.histogram.labels as (...values: unknown[]) => Child)(...step.values));
        break;
      case 'observe':
        on.children[step.child % on.children.length]?.observe(step.value);
        break;
      case 'timer':
        on.children[step.child % on.children.length]?.startTimer()();
        break;
      case 'direct':
        on.histogram.observe(step.labels as LabelValues<string>, step.value);
        break;
      case 'byObject':
        on.histogram.labels(step.labels as LabelValues<string>).observe(step.value);
        break;
      case 'zero':
        on.histogram.zero(step.labels as LabelValues<string>);
        break;
      case 'remove':
        (on.histogram.remove as (...values: unknown[]) => void)(...step.values);
        break;
      case 'removeByObject':
        on.histogram.remove(step.labels as LabelValues<string>);
        break;
      case 'reset':
        on.histogram.reset();
        break;
      case 'read':
        break;
    }
    return undefined;
  } catch (error) {
    return `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
}

/** Values near and on the bounds, outside them, and not numbers at all. */
function observations(bounds: readonly number[]): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(...bounds),
    fc.constantFrom(...bounds).map((bound) => bound + Number.EPSILON * Math.max(1, Math.abs(bound))),
    fc.double({ min: -2, max: 3 }),
    fc.double(),
    fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e308, 5e-324, 0.1, 0.2, 0.3),
  );
}

function steps(labelNames: readonly string[], bounds: readonly number[]): fc.Arbitrary<Step[]> {
  // Values that collide in prom-client's series key ("a:1,b:2,b:3," two ways), and odd ones.
  const value =
    labelNames.length > 1
      ? fc.constantFrom('1', '3', '1,b:2', '2,b:3', 'x:y', '')
      : fc.constantFrom('soap11', 'get', '', '1,b:2', 'x:y', 'é"\\\n');
  const positional = fc.oneof(
    { weight: 8, arbitrary: fc.array(value, { minLength: labelNames.length, maxLength: labelNames.length }) },
    { weight: 1, arbitrary: fc.array(fc.oneof(value, fc.constant(7)), { maxLength: labelNames.length + 1 }) },
  );
  const names = fc.constantFrom(...labelNames, 'other');
  const object = fc.dictionary(names, fc.oneof(value, fc.constant(undefined)), {
    maxKeys: labelNames.length,
  });
  const observed = observations(bounds);
  const bind = positional.map((values) => ({ kind: 'bind' as const, values }));
  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 3, arbitrary: bind },
    {
      weight: 20,
      arbitrary: fc.record({ kind: fc.constant('observe' as const), child: fc.nat(), value: observed }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('timer' as const), child: fc.nat() }) },
    {
      weight: 3,
      arbitrary: fc.record({ kind: fc.constant('direct' as const), labels: object, value: observed }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('byObject' as const), labels: object, value: observed }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('zero' as const), labels: object }) },
    { weight: 1, arbitrary: positional.map((values) => ({ kind: 'remove' as const, values })) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeByObject' as const), labels: object }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
    { weight: 4, arbitrary: fc.constant({ kind: 'read' as const }) },
  );
  // Children bound first, then observed in any order: series made in the order first observed.
  return fc
    .tuple(fc.array(bind, { maxLength: 6 }), fc.array(step, { maxLength: 80 }))
    .map(([binds, rest]) => [...binds, ...rest]);
}

async function expectSame(ours: Side, theirs: Side): Promise<void> {
  expect(await ours.registry.metrics()).toBe(await theirs.registry.metrics());
  expect(await ours.histogram.get()).toEqual(await theirs.histogram.get());
}

const cases: ReadonlyArray<{ name: string; labelNames: string[]; buckets: number[] }> = [
  {
    name: 'the duration histogram',
    labelNames: ['transport'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  },
  { name: 'two labels, keys that collide', labelNames: ['a', 'b'], buckets: [0.1, 1, 2.5] },
  { name: 'no labels', labelNames: [], buckets: [0.5, 1] },
  // prom-client's quirks: a repeated bound, and a bound of -1 that counts what is above every bound.
  { name: 'repeated bounds and -1', labelNames: ['transport'], buckets: [-1, 0, 0.5, 0.5, 1] },
];

describe.each(cases)('TallyHistogram against prom-client: $name', ({ labelNames, buckets }) => {
  afterEach(() => jest.restoreAllMocks());

  test('identical exposition and get() after every step, for random steps', async () => {
    // startTimer measures with process.hrtime: the same 5 ms on both sides.
    jest
      .spyOn(process, 'hrtime')
      .mockImplementation((() => [0, 5_000_000]) as unknown as typeof process.hrtime);
    const config = { name: 'asmx_request_duration_seconds', help: 'Time to answer', labelNames, buckets };
    await fc.assert(
      fc.asyncProperty(steps(labelNames, buckets), async (plan) => {
        const theirs = side((registry) => new Histogram({ ...config, registers: [registry] }));
        const ours = side((registry) => new TallyHistogram({ ...config, registers: [registry] }));
        for (const step of plan) {
          expect(run(ours, step)).toBe(run(theirs, step));
          if (step.kind === 'read') await expectSame(ours, theirs);
        }
        await expectSame(ours, theirs);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

test('a bound child counts at read time: its observations are in the next scrape, le inclusive', async () => {
  const registry = new Registry();
  const histogram = new TallyHistogram({
    name: 'd',
    help: 'd',
    labelNames: ['transport'],
    buckets: [0.1, 1],
    registers: [registry],
  });
  const child = histogram.labels('soap11');
  expect(await registry.metrics()).not.toContain('d_count');
  child.observe(0.1);
  child.observe(5);
  const text = await registry.metrics();
  expect(text).toContain('d_bucket{le="0.1",transport="soap11"} 1');
  expect(text).toContain('d_bucket{le="1",transport="soap11"} 1');
  expect(text).toContain('d_bucket{le="+Inf",transport="soap11"} 2');
  expect(text).toContain('d_sum{transport="soap11"} 5.1');
  expect(text).toContain('d_count{transport="soap11"} 2');
  expect(() => child.observe(NaN)).toThrow(new TypeError('Value is not a valid number: NaN'));
  registry.resetMetrics();
  expect(await registry.metrics()).not.toContain('d_count');
  child.observe(0.5);
  expect(await registry.metrics()).toContain('d_count{transport="soap11"} 1');
});

test('a collect function of the configuration still runs at every read, after the children are written', async () => {
  const registry = new Registry();
  const seen: number[] = [];
  const histogram: TallyHistogram<'transport'> = new TallyHistogram({
    name: 'd',
    help: 'd',
    labelNames: ['transport'],
    buckets: [1],
    registers: [registry],
    collect() {
      seen.push(this === histogram ? 1 : 0);
      this.observe({ transport: 'get' }, 2);
    },
  });
  histogram.labels('get').observe(0.5);
  const text = await registry.metrics();
  expect(seen).toEqual([1]);
  expect(text).toContain('d_count{transport="get"} 2');
  expect(text).toContain('d_sum{transport="get"} 2.5');
});

test('series in the order first observed, with the labels of the child that observed first', async () => {
  const texts: string[] = [];
  for (const Made of [Histogram, TallyHistogram]) {
    const registry = new Registry();
    const histogram = new Made({
      name: 'd',
      help: 'd',
      labelNames: ['a', 'b'],
      buckets: [1],
      registers: [registry],
    });
    // prom-client keys both "a:1,b:2,b:3,": one series, labelled as whoever observed first.
    const first = histogram.labels('1,b:2', '3');
    const second = histogram.labels('1', '2,b:3');
    const other = histogram.labels('x', 'y');
    other.observe(1);
    second.observe(2);
    first.observe(0.5);
    texts.push(await registry.metrics());
  }
  expect(texts[1]).toBe(texts[0]);
  expect(texts[0]).toMatch(
    /d_bucket\{le="1",a="x",b="y"\} 1\n.*\n.*\n.*\nd_bucket\{le="1",a="1",b="2,b:3"\} 1/,
  );
});

test('sums add up in the order observed, across reads, to the last bit', async () => {
  const sums: unknown[] = [];
  for (const Made of [Histogram, TallyHistogram]) {
    const histogram = new Made({ name: 'd', help: 'd', labelNames: ['t'], buckets: [1], registers: [] });
    const child = histogram.labels('x');
    child.observe(0.1);
    await histogram.get();
    child.observe(0.2);
    child.observe(0.3);
    sums.push((await histogram.get()).values.find((v) => v.metricName === 'd_sum')?.value);
  }
  expect(sums).toEqual([0.1 + 0.2 + 0.3, 0.1 + 0.2 + 0.3]);
  expect(sums[0]).not.toBe(0.1 + (0.2 + 0.3));
});
