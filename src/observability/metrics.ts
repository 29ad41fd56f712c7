import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

  constructor(liveTickets: () => Promise<number>) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'asmx_requests_total',
      help: 'Requests to /srv.asmx by operation, transport and outcome (success, a domain error code or a protocol error code)',
      labelNames: ['operation', 'transport', 'outcome'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
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
    new Gauge({
      name: 'asmx_live_tickets',
      help: 'Tickets held by the store (the memory store may count expired ones not yet purged)',
      registers: [this.registry],
      async collect() {
        try {
          this.set(await liveTickets());
        } catch {
          // The store is unreachable: no value rather than a wrong one.
        }
      },
    });
  }
}
