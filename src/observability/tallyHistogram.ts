import { format } from 'node:util';
import { Histogram, type HistogramConfiguration, type LabelValues } from 'prom-client';

/** prom-client's state of one series (lib/histogram.js `createBaseValues`). */
interface Series {
  labels: Record<string, string | number>;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

/** The parts of prom-client's Histogram a tally reads and writes (lib/histogram.js). */
interface HistogramState {
  hashMap: Record<string, Series>;
  readonly upperBounds: readonly number[];
  readonly bucketValues: Readonly<Record<string, number>>;
  readonly labelNames: readonly string[];
  readonly sortedLabelNames: readonly string[];
  readonly enableExemplars: boolean;
}

/**
 * One series as plain numbers: the whole series (not only what changed since the last read), so
 * `sum` adds up in the order prom-client's would, to the last bit.
 */
interface Tally {
  /** prom-client's key of the series (`hashObject`). */
  readonly hash: string;
  /** The series is in prom-client's map (as of the last settle or reload). */
  exists: boolean;
  /** What the series is created with: the labels of the child that observed it first, as there. */
  labels: Record<string, string>;
  /** Per bucket slot, not cumulative, as `bucketValues`. */
  readonly counts: number[];
  sum: number;
  count: number;
  /** Observed since the last settle (and then in {@link TallyHistogram}'s list of them). */
  dirty: boolean;
}

/**
 * A histogram whose children (`labels(...)`, bound once per label set by whoever observes) count
 * in plain numbers, written into prom-client's series when the metric is read (its `collect` hook
 * runs before every read: scrapes, `get()`): an observation skips prom-client's label hashing and
 * validation and its allocations, and readers see the same series, buckets, sums and counts.
 * Children of positional string label values only, as the duration histogram is bound; any other
 * form is prom-client's own, with the tallies written before and read back after it, so the two
 * kinds mix in any order. Exemplars: prom-client's own throughout.
 */
export class TallyHistogram<T extends string> extends Histogram<T> {
  private readonly tallies = new Map<string, Tally>();
  private readonly dirty: Tally[] = [];
  /** Upper bounds, and per bound the slot it counts in: the first bound of the same key. */
  private readonly bounds: readonly number[];
  private readonly slotOf: readonly number[];
  /** Where an observation above every bound counts: prom-client counts it in a bucket `-1`, if any. */
  private readonly overflowSlot: number;
  /** Distinct bucket keys, by slot. */
  private readonly slots: readonly number[];
  private readonly keys: readonly string[];
  private readonly tallied: boolean;

  constructor(configuration: HistogramConfiguration<T>) {
    super({
      ...configuration,
      collect(this: Histogram<T>) {
        (this as TallyHistogram<T>).settle();
        return configuration.collect?.call(this);
      },
    });
    const state = this.state();
    this.tallied = !state.enableExemplars;
    this.bounds = state.upperBounds;
    this.keys = this.bounds.map(String);
    this.slotOf = this.keys.map((key) => this.keys.indexOf(key));
    this.slots = this.slotOf.filter((slot, i) => slot === i);
    this.overflowSlot = this.keys.indexOf('-1');
    if (!this.tallied) return;
    // Every other way in writes prom-client's series directly: the tallies are written first and
    // read back after.
    const observe = this.observe;
    this.observe = ((...args: unknown[]) =>
      this.direct(() => (observe as (...values: unknown[]) => void).apply(this, args))) as typeof observe;
  }

  override labels(...values: string[]): Histogram.Internal<T>;
  override labels(labels: LabelValues<T>): Histogram.Internal<T>;
  override labels(...args: unknown[]): Histogram.Internal<T> {
    const names = this.state().labelNames;
    const own = () => (super.labels as (...values: unknown[]) => Histogram.Internal<T>).apply(this, args);
    if (!this.tallied || args.length !== names.length || !args.every((value) => typeof value === 'string')) {
      const child = own();
      if (!this.tallied) return child;
      return {
        observe: (value: number) => this.direct(() => child.observe(value)),
        startTimer: child.startTimer,
      };
    }
    // prom-client's labels object and key for these values (util.js getLabels, hashObject).
    const labels: Record<string, string> = {};
    names.forEach((name, i) => (labels[name] = args[i] as string));
    let hash = '';
    for (const name of this.state().sortedLabelNames) hash += `${name}:${labels[name]},`;
    let tally = this.tallies.get(hash);
    if (!tally) {
      tally = { hash, exists: false, labels, counts: this.keys.map(() => 0), sum: 0, count: 0, dirty: false };
      this.tallies.set(hash, tally);
      this.reload(tally);
    }
    const counted = tally;
    const { bounds, slotOf, overflowSlot, dirty } = this;
    return {
      observe(value: number) {
        // prom-client's check, at the call as there.
        if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${format(value)}`);
        let i = 0;
        while (i < bounds.length && !(value <= (bounds[i] as number))) i++;
        const slot = i < bounds.length ? (slotOf[i] as number) : overflowSlot;
        if (slot >= 0) counted.counts[slot]! += 1;
        counted.sum += value;
        counted.count += 1;
        if (!counted.dirty) {
          counted.dirty = true;
          if (!counted.exists) counted.labels = labels;
          dirty.push(counted);
        }
      },
      startTimer: () => this.startTimer(labels as LabelValues<T>),
    };
  }

  override zero(labels: LabelValues<T>): void {
    this.direct(() => super.zero(labels));
  }

  override remove(...values: string[]): void;
  override remove(labels: LabelValues<T>): void;
  override remove(...args: unknown[]): void {
    this.direct(() => (super.remove as (...values: unknown[]) => void).apply(this, args));
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor resets too, before this class's fields exist.
    if (!this.tallies) return;
    for (const tally of this.tallies.values()) this.reload(tally);
    this.dirty.length = 0;
  }

  /** Writes what the children observed since the last read into prom-client's series. */
  settle(): void {
    const { hashMap, bucketValues } = this.state();
    for (const tally of this.dirty) {
      let series = hashMap[tally.hash];
      if (!series) {
        series = { labels: tally.labels, bucketValues: { ...bucketValues }, sum: 0, count: 0 };
        hashMap[tally.hash] = series;
      }
      series.sum = tally.sum;
      series.count = tally.count;
      for (const slot of this.slots)
        series.bucketValues[this.keys[slot] as string] = tally.counts[slot] as number;
      tally.exists = true;
      tally.dirty = false;
    }
    this.dirty.length = 0;
  }

  /** Runs one of prom-client's own ways in: the tallies written before, read back after. */
  private direct<R>(change: () => R): R {
    this.settle();
    try {
      return change();
    } finally {
      for (const tally of this.tallies.values()) this.reload(tally);
      this.dirty.length = 0;
    }
  }

  /** Sets a tally to its series as prom-client holds it (none: zero). */
  private reload(tally: Tally): void {
    const series = this.state().hashMap[tally.hash];
    tally.exists = series !== undefined;
    tally.sum = series?.sum ?? 0;
    tally.count = series?.count ?? 0;
    for (const slot of this.slots) tally.counts[slot] = series?.bucketValues[this.keys[slot] as string] ?? 0;
    tally.dirty = false;
  }

  private state(): HistogramState {
    return this as unknown as HistogramState;
  }
}
