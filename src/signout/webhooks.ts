import { createHash, createHmac } from 'node:crypto';
import type { Clock } from '../clock';

export interface WebhookOptions {
  readonly urls: readonly string[];
  /** Key of the HMAC-SHA256 signature; receivers verify it. */
  readonly secret: string;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  /** First retry after this long, doubling each time. */
  readonly retryBaseMs: number;
  readonly clock: Clock;
  readonly warn: (message: string) => void;
  /** Told of each delivery result, for metrics. */
  readonly onResult?: (result: 'delivered' | 'retried' | 'failed' | 'dropped') => void;
}

export interface LogoutNotice {
  readonly ticket: string;
  readonly userKey: string;
  readonly reason: 'logout';
}

export const SIGNATURE_HEADER = 'X-Asmx-Signature-256';

/** Deliveries in flight are bounded; past this, new notices are dropped with a warning. */
const MAX_PENDING = 10_000;

/**
 * Tells external sites that a session ended here: a signed JSON POST per configured URL after
 * every LogOut (expiry is not announced). Delivery is asynchronous and never delays or fails the
 * LogOut answer; failures are retried with exponential backoff, then logged and counted.
 * The ticket itself never leaves: receivers get its SHA-256.
 */
export class LogoutWebhooks {
  readonly counts = { delivered: 0, retried: 0, failed: 0, dropped: 0 };
  private pending = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: WebhookOptions) {}

  get enabled(): boolean {
    return this.options.urls.length > 0;
  }

  notify(notice: LogoutNotice): void {
    if (!this.enabled) return;
    const body = JSON.stringify({
      ticketHash: createHash('sha256').update(notice.ticket).digest('hex'),
      user: notice.userKey,
      reason: notice.reason,
      at: new Date(this.options.clock.now()).toISOString(),
    });
    const signature = `sha256=${createHmac('sha256', this.options.secret).update(body).digest('hex')}`;
    for (const url of this.options.urls) {
      if (this.pending >= MAX_PENDING) {
        this.counts.dropped++;
        this.options.onResult?.('dropped');
        this.options.warn(`logout webhook to ${url} dropped: ${MAX_PENDING} deliveries already pending`);
        continue;
      }
      this.pending++;
      const delivery = this.deliver(url, body, signature).finally(() => {
        this.pending--;
        this.inFlight.delete(delivery);
      });
      this.inFlight.add(delivery);
    }
  }

  /** Waits for deliveries under way (graceful shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(url: string, body: string, signature: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const problem = await this.attempt(url, body, signature);
      if (problem === undefined) {
        this.counts.delivered++;
        this.options.onResult?.('delivered');
        return;
      }
      if (attempt >= this.options.maxAttempts) {
        this.counts.failed++;
        this.options.onResult?.('failed');
        this.options.warn(`logout webhook to ${url} failed after ${attempt} attempts: ${problem}`);
        return;
      }
      this.counts.retried++;
      this.options.onResult?.('retried');
      await new Promise((resolve) =>
        setTimeout(resolve, this.options.retryBaseMs * 2 ** (attempt - 1)).unref(),
      );
    }
  }

  /** One POST; undefined on a 2xx answer, otherwise what went wrong. */
  private async attempt(url: string, body: string, signature: string): Promise<string | undefined> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'manual',
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return (error as Error).message;
    }
  }
}
