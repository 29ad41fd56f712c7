import {
  Counter,
  Gauge,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type Histogram,
  type LabelValues,
} from 'prom-client';
import { TallyHistogram } from './tallyHistogram';

/**
 * Why a request was closed without an answer of the service: the client went away before it
 * (`client_gone`), it timed out (`timeout`, a bare 408), Node's parser refused it before a handler
 * saw it (`header_too_large` 431, `uri_too_long` 414, `malformed` 400/501, `incomplete` 400 when the
 * client half-closed mid-head), or it came on a connection after a refusal and was never run
 * (`after_refusal`).
 */
export const UNANSWERED_REASONS = [
  'client_gone',
  'timeout',
  'header_too_large',
  'uri_too_long',
  'malformed',
  'incomplete',
  'after_refusal',
] as const;
export type UnansweredReason = (typeof UNANSWERED_REASONS)[number];

/** A labelled child's count not yet added to its series. */
interface Tally<T extends string> {
  readonly labels: LabelValues<T>;
  /** The child handed out for these labels: one object, however often asked for. */
  child?: Counter.Internal;
  pending: number;
  /** Counted (even by 0, which makes the series) since the last read. */
  touched: boolean;
}

/**
 * A counter whose children (`labels(...)`, bound once per label set by whoever counts) add to a
 * plain number, handed to prom-client when the metric is read (its `collect` hook runs before
 * every read: scrapes, `get()`): every request's `inc()` skips prom-client's label hashing and
 * validation, and readers see the same values and series. Children of positional label values
 * only, as the request counter is bound; any other form is prom-client's own.
 */
class TallyCounter<T extends string> extends Counter<T> {
  private readonly tallies = new Map<string, Tally<T>>();

  constructor(
    private readonly configuration: CounterConfiguration<T> & { readonly labelNames: readonly T[] },
  ) {
    super({
      ...configuration,
      collect(this: Counter<T>) {
        (this as TallyCounter<T>).settle();
      },
    });
  }

  override labels(...values: string[]): Counter.Internal;
  override labels(labels: LabelValues<T>): Counter.Internal;
  override labels(...args: unknown[]): Counter.Internal {
    const names = this.configuration.labelNames;
    if (args.length !== names.length || !args.every((value) => typeof value === 'string')) {
      return (super.labels as (...values: unknown[]) => Counter.Internal).apply(this, args);
    }
    const key = (args as string[]).join('\u0000');
    let tally = this.tallies.get(key);
    if (!tally) {
      const labels = {} as Record<T, string>;
      names.forEach((name, i) => (labels[name] = args[i] as string));
      tally = { labels, pending: 0, touched: false };
      this.tallies.set(key, tally);
    }
    const counted = tally;
    return (tally.child ??= {
      inc(value?: number) {
        // prom-client's own checks, at the call as there.
        if (value && !Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
        if (value !== undefined && value < 0) throw new Error('It is not possible to decrease a counter');
        counted.pending += value ?? 1;
        counted.touched = true;
      },
    });
  }

  override reset(): void {
    // prom-client's constructor resets too, before this class's fields exist.
    if (this.tallies) this.forget(() => true);
    super.reset();
  }

  override remove(...values: string[]): void;
  override remove(labels: LabelValues<T>): void;
  override remove(...args: unknown[]): void {
    const names = this.configuration.labelNames;
    const given =
      args.length === 1 && typeof args[0] === 'object' && args[0] !== null
        ? (args[0] as LabelValues<T>)
        : Object.fromEntries(names.map((name, i) => [name, args[i]]));
    this.forget((tally) => names.every((name) => String(tally.labels[name]) === String(given[name])));
    (super.remove as (...values: unknown[]) => void).apply(this, args);
  }

  /** Adds what the children counted since the last read to their series. */
  settle(): void {
    for (const tally of this.tallies.values()) {
      if (!tally.touched) continue;
      const pending = tally.pending;
      tally.pending = 0;
      tally.touched = false;
      this.inc(tally.labels, pending);
    }
  }

  private forget(matches: (tally: Tally<T>) => boolean): void {
    for (const tally of this.tallies.values()) {
      if (!matches(tally)) continue;
      tally.pending = 0;
      tally.touched = false;
    }
  }
}

/**
 * Prometheus metrics of one emulator, in a registry of its own so several emulators can live in
 * one process (tests, embedding).
 */
export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<'operation' | 'transport' | 'outcome'>;
  readonly duration: Histogram<'transport'>;
  readonly logouts: Counter;
  readonly evictions: Counter;
  readonly webhookDeliveries: Counter<'result'>;
  readonly unanswered: Counter<'reason'>;
  readonly sessionsEnded: Counter<'reason'>;
  readonly shadowComparisons: Counter<'operation' | 'result'>;
  readonly shadowDropped: Counter;

  constructor(liveTickets: () => Promise<number>) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new TallyCounter({
      name: 'asmx_requests_total',
      help: 'Requests to /srv.asmx by operation, transport and outcome (success, a domain error code or a protocol error code)',
      labelNames: ['operation', 'transport', 'outcome'],
      registers: [this.registry],
    });
    this.duration = new TallyHistogram({
      name: 'asmx_request_duration_seconds',
      help: 'Time from request to answer, by transport',
      labelNames: ['transport'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [this.registry],
    });
    this.logouts = new Counter({
      name: 'asmx_logouts_total',
      help: 'Successful LogOuts',
      registers: [this.registry],
    });
    this.evictions = new Counter({
      name: 'asmx_ticket_evictions_total',
      help: 'Live tickets dropped by the memory store bound (least recently used)',
      registers: [this.registry],
    });
    this.webhookDeliveries = new Counter({
      name: 'asmx_webhook_deliveries_total',
      help: 'Logout webhook delivery attempts by result: delivered, retried, failed, dropped',
      labelNames: ['result'],
      registers: [this.registry],
    });
    this.unanswered = new Counter({
      name: 'asmx_requests_unanswered_total',
      help: 'Requests closed without an answer of the service, by reason: client_gone, timeout, header_too_large, uri_too_long, malformed, incomplete, after_refusal',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    // Every reason from the start, so a rate of zero is a series and not a gap.
    for (const reason of UNANSWERED_REASONS) this.unanswered.labels(reason).inc(0);
    this.sessionsEnded = new TallyCounter({
      name: 'asmx_sessions_ended_total',
      help: 'Sessions ended, by reason: logout, expired (noticed at the next sessions listing, leak report, scrape or shutdown), evicted (memory store bound), admin (ended through /_emulator/)',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    for (const reason of ['logout', 'expired', 'evicted', 'admin']) this.sessionsEnded.labels(reason).inc(0);
    this.shadowComparisons = new Counter({
      name: 'asmx_shadow_comparisons_total',
      help: "Shadow mode: calls copied to the upstream, by operation and result: match, difference, error (the upstream's answer did not come)",
      labelNames: ['operation', 'result'],
      registers: [this.registry],
    });
    this.shadowDropped = new Counter({
      name: 'asmx_shadow_dropped_total',
      help: 'Shadow mode: copies not sent because the queue (SHADOW_QUEUE_SIZE) was full',
      registers: [this.registry],
    });
    new Gauge({
      name: 'asmx_live_tickets',
      help: "Tickets held by the store: the memory store may count expired ones not yet purged; Redis counts this emulator's key prefix on every master (SCAN)",
      registers: [this.registry],
      async collect() {
        try {
          this.set(await liveTickets());
        } catch {
          // The store is unreachable: no value rather than a wrong (stale) one.
          this.reset();
        }
      },
    });
  }
}
