/**
 * Shadow mode (SHADOW_UPSTREAM_URL): the emulator answers; a copy of each call to the default
 * service goes to the upstream afterwards, in the background (a bounded queue: never delaying an
 * answer, dropping copies when full), and the two answers are compared as `verify` compares them
 * (normalise.ts). Matches and differences are counted per operation (metrics); the last
 * differences are kept for the report at `/_emulator/shadow`. Operations named by SHADOW_SKIP are
 * never copied. A call made with one of the emulator's tickets goes with an upstream ticket of the
 * same user (forward mode's UpstreamSessions: CreateTicketforUser with UPSTREAM_TRUSTED_PASSWORD).
 */
import { STATUS_CODES } from 'node:http';
import type { ServiceModel } from '../contract/model';
import type { RequestEvent } from '../http/asmxHandler';
import type { Metrics } from '../observability/metrics';
import { ticketParameter } from '../services/invoke';
import type { TicketStore } from '../tickets/TicketStore';
import { createUpstreamClient } from '../upstream/upstreamClient';
import { UpstreamSessions } from '../upstream/upstreamSessions';
import { normalisedAnswer, type CaseResult } from '../verify/compareAnswers';
import { replayCase, type SideAnswer } from '../verify/replayCase';
import type { VerifyCase } from '../verify/verifyCase';
import { BoundedQueue } from './boundedQueue';
import { isShadowSkipped } from './shadowSkip';

export interface ShadowSettings {
  readonly url: string;
  /** The emulator's path of the service shadowed (`/srv.asmx`). */
  readonly servicePath: string;
  readonly skip: readonly string[];
  readonly queueSize: number;
  readonly timeoutMs: number;
  /** The upstream's trusted password, for upstream tickets; empty: calls go with the emulator's ticket. */
  readonly trustedPassword: string;
}

export interface ShadowCounts {
  match: number;
  difference: number;
  error: number;
}

export interface ShadowView {
  readonly upstream: string;
  readonly skip: readonly string[];
  readonly dropped: number;
  readonly pending: number;
  readonly operations: Readonly<Record<string, ShadowCounts>>;
  /** The last differences (and failed copies), newest last. */
  readonly differences: readonly (CaseResult & { readonly at: string; readonly operation: string })[];
}

export interface ShadowMode {
  /** Told of every answered request (after the answer is out); copies the ones to shadow. Never throws. True when a copy was queued. */
  observe(event: RequestEvent): boolean;
  view(): ShadowView;
  close(): void;
}

/** Differences kept for the report. */
export const SHADOW_DIFFERENCES_KEPT = 50;
const WORKERS = 4;
/** The request headers that change what ASMX answers. */
const COPIED_HEADERS = ['content-type', 'soapaction', 'cookie'];

interface ShadowJob {
  readonly operation: string;
  readonly transport: string;
  readonly request: VerifyCase;
  readonly ticket: string | undefined;
  readonly answer: SideAnswer;
}

export function createShadowMode(
  settings: ShadowSettings,
  model: ServiceModel,
  store: TicketStore,
  metrics: Metrics,
  warn: (message: string) => void,
): ShadowMode {
  const client = createUpstreamClient({
    url: settings.url,
    timeoutMs: settings.timeoutMs,
    maxConcurrent: WORKERS,
  });
  const sessions =
    settings.trustedPassword && model.byName.has('CreateTicketforUser')
      ? new UpstreamSessions(client, model, settings.trustedPassword, warn)
      : undefined;
  if (!sessions)
    warn("shadow mode without UPSTREAM_TRUSTED_PASSWORD: calls are copied with the emulator's tickets");
  const abort = new AbortController();
  const operations = new Map<string, ShadowCounts>();
  const differences: Array<ShadowView['differences'][number]> = [];
  let dropped = 0;
  let sequence = 0;

  const counted = (operation: string, result: keyof ShadowCounts) => {
    let counts = operations.get(operation);
    if (!counts) operations.set(operation, (counts = { match: 0, difference: 0, error: 0 }));
    counts[result]++;
    metrics.shadowComparisons.labels(operation, result).inc();
  };
  const keep = (difference: ShadowView['differences'][number]) => {
    differences.push(difference);
    if (differences.length > SHADOW_DIFFERENCES_KEPT) differences.shift();
  };

  async function compare(job: ShadowJob): Promise<void> {
    const name = `${String(++sequence).padStart(5, '0')}-${job.transport}-${job.operation}`;
    const at = new Date().toISOString();
    const started = performance.now();
    const mine = normalisedAnswer(job.answer, job.ticket ? [job.ticket] : []);
    try {
      const info = job.ticket && sessions ? await store.peek(job.ticket).catch(() => undefined) : undefined;
      const session = info && job.ticket ? { ticket: job.ticket, user: info.userKey } : undefined;
      let upstreamTicket =
        session && sessions ? await sessions.ticketFor(session.ticket, session.user) : undefined;
      const send = (ticket: string | undefined) =>
        replayCase(
          settings.url,
          withTicket(job.request, job.ticket, ticket),
          '',
          { user: '', password: '' },
          {
            timeoutMs: settings.timeoutMs,
            signal: abort.signal,
          },
        );
      let answer = await send(upstreamTicket);
      if (
        session &&
        sessions &&
        upstreamTicket &&
        answer.body.includes('[901]') &&
        !job.answer.body.includes('[901]')
      ) {
        upstreamTicket = await sessions.renew(session.ticket, session.user, upstreamTicket);
        answer = await send(upstreamTicket);
      }
      const theirs = normalisedAnswer(answer, upstreamTicket ? [upstreamTicket] : []);
      const same = theirs === mine;
      counted(job.operation, same ? 'match' : 'difference');
      if (!same)
        keep({
          name,
          at,
          operation: job.operation,
          same,
          upstream: theirs,
          target: mine,
          durationMs: performance.now() - started,
        });
    } catch (error) {
      if (abort.signal.aborted) return;
      counted(job.operation, 'error');
      keep({
        name,
        at,
        operation: job.operation,
        same: false,
        upstream: '',
        target: mine,
        durationMs: performance.now() - started,
        error: `the upstream's answer did not come: ${(error as Error).message}`,
      });
    }
  }

  const queue = new BoundedQueue<ShadowJob>(settings.queueSize, WORKERS, compare);
  const servicePath = settings.servicePath.toLowerCase();

  return {
    observe(event) {
      try {
        if (event.service.toLowerCase() !== servicePath || event.operation === '-' || !event.answer)
          return false;
        if (isShadowSkipped(event.operation, settings.skip)) return false;
        const job = jobOf(event, event.answer);
        if (queue.offer(job)) return true;
        dropped++;
        metrics.shadowDropped.inc();
      } catch (error) {
        warn(`shadow copy not made: ${(error as Error).message}`);
      }
      return false;
    },
    view: () => ({
      upstream: settings.url,
      skip: settings.skip,
      dropped,
      pending: queue.size,
      operations: Object.fromEntries(operations),
      differences: [...differences],
    }),
    close() {
      queue.close();
      abort.abort();
    },
  };
}

function jobOf(event: RequestEvent, answer: NonNullable<RequestEvent['answer']>): ShadowJob {
  const req = event.req;
  const url = req.url ?? '/';
  const headers: Array<readonly [string, string]> = [];
  for (const name of COPIED_HEADERS) {
    const value = req.headers[name];
    if (value !== undefined) headers.push([name, Array.isArray(value) ? value.join(', ') : value]);
  }
  const call = event.call;
  const param = call ? ticketParameter(call.operation)?.name : undefined;
  const given = param ? call?.args[param] : undefined;
  const ticket = typeof given === 'string' && given !== '' ? given : param ? call?.cookieTicket : undefined;
  const header = (name: string) => {
    const value = answer.headers[name];
    return value === undefined ? undefined : Array.isArray(value) ? value.join(', ') : String(value);
  };
  const kept: Record<string, string> = {};
  for (const name of ['Cache-Control', 'Content-Type']) {
    const value = header(name);
    if (value !== undefined) kept[name] = value;
  }
  return {
    operation: event.operation,
    transport: event.transport,
    request: {
      name: event.operation,
      method: req.method ?? 'GET',
      rest: url.slice(event.service.length),
      headers,
      body: event.requestBody ?? Buffer.alloc(0),
    },
    ticket,
    answer: {
      status: answer.status,
      statusMessage: STATUS_CODES[answer.status] ?? '',
      headers: kept,
      body: answer.body,
    },
  };
}

/** The request with the emulator's ticket replaced by the upstream's (everywhere it occurs). */
function withTicket(request: VerifyCase, mine: string | undefined, theirs: string | undefined): VerifyCase {
  if (!mine || !theirs) return request;
  const swap = (text: string) => text.split(mine).join(theirs);
  return {
    ...request,
    rest: swap(request.rest),
    headers: request.headers.map(([name, value]) => [name, swap(value)] as const),
    body: Buffer.from(swap(request.body.toString('latin1')), 'latin1'),
  };
}
