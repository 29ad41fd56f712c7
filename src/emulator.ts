import type { IncomingMessage, ServerResponse } from 'node:http';
import type express from 'express';
import { createRequestListener, createRouter, type AppParts } from './app';
import { systemClock, ticketTtlMs, type Clock } from './clock';
import { resolveConfig, type Config, type ConfigInput } from './config';
import { createAsmxHandler, isAtOrBelow, type AsmxHandler, type RequestEvent } from './http/asmxHandler';
import { createConnectionHygiene, type ConnectionHygiene } from './http/connectionHygiene';
import { createLogger, type Logger } from './observability/logger';
import { Metrics } from './observability/metrics';
import { RequestLogLine } from './observability/requestLogLine';
import type { OperationContext } from './operations/types';
import { SignOut } from './signout/signout';
import { createTicketStore } from './tickets/createTicketStore';
import type { TicketStore } from './tickets/TicketStore';
import { UserDirectory } from './users/userDirectory';
import {
  buildServices,
  loadHandlerModules,
  readServiceModels,
  seedTickets,
  serviceEntries,
} from './services/loadServices';
import type { ServiceRuntime } from './services/serviceRuntime';
import { PlainErrors } from './errors/catalogue';
import { AdminControl, SessionBook, sharedControlOf, type SessionBookOptions } from './admin/adminControl';
import { sessionClient } from './admin/sessionClient';
import { SteerableClock } from './admin/steerableClock';
import { createForwarding, type Forwarding } from './upstream/forwarding';
import { memoryUpstreamTicketBooks, type UpstreamTicketBooks } from './upstream/upstreamTickets';
import { plainError } from './transports/answer';
import { createShadowMode, type ShadowMode } from './shadow/shadowMode';
import { UsageBook, usageClient } from './usage/usageBook';

export interface EmulatorOptions {
  /** Settings by name (see the README's table); validated like the environment. */
  readonly config?: Partial<ConfigInput> | Config;
  /** Inject a clock to move time in tests. */
  readonly clock?: Clock;
  /** Inject a store; by default the one `config` selects (memory or Redis). */
  readonly store?: TicketStore;
  /** A pino logger; by default JSON lines on stdout at `config.logLevel`. */
  readonly logger?: Logger;
}

export interface Emulator extends AppParts {
  readonly config: Config;
  readonly logger: Logger;
  /**
   * Resolves once every service is loaded (WSDLs, stubs, handler modules) and SEED_TICKETS are
   * live; rejects with the reason a service cannot be served. startServer waits for it.
   */
  readonly ready: Promise<void>;
  /** The services served, longest path first (after `ready`). */
  services(): readonly ServiceRuntime[];
  /** The whole service (`/srv.asmx`, sign-out, health, metrics) as a node:http listener. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Listeners for the node:http server's other events, which startServer installs (a server of
   * your own can too: `server.on('clientError', emulator.serverListeners.clientError)`): answers
   * the client can read for what Node's parser refuses, and `Expect: 100-continue` checks.
   */
  readonly serverListeners: {
    readonly clientError: ConnectionHygiene['clientError'];
    readonly checkContinue: (req: IncomingMessage, res: ServerResponse) => void;
  };
  /** The same as an express router, to mount in an existing app: `app.use(emulator.router())`. */
  router(): express.Router;
  /** Writes the last snapshot, waits for webhooks under way, closes the store. */
  close(): Promise<void>;
}

let requestSequence = 0;
const requestIdPrefix = `${process.pid.toString(36)}-`;
/** A request id for logs when the client (or a proxy) sent no X-Request-Id. */
function nextRequestId(): string {
  return requestIdPrefix + (++requestSequence).toString(36);
}

/** Composes the emulator: WSDL, users, store, transports, routes, logs and metrics. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const config = resolveConfig(options.config as Partial<ConfigInput>);
  // ADMIN_API=off: no control plane at all (routes, journal, faults, clock offset, usage counts).
  const adminApi = config.adminApi !== 'off';
  // The emulator's clock: the given one (real time by default), plus the admin API's offset when
  // there is an admin API to move it.
  const baseClock = options.clock ?? systemClock;
  const steerable = adminApi ? new SteerableClock(baseClock) : undefined;
  const clock: Clock = steerable ?? baseClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const warn = (message: string) => logger.warn(message);
  const entries = serviceEntries(config);
  const users = UserDirectory.fromFile(config.usersFile);

  // The live-tickets gauge reads the store only when scraped, after it exists.
  const metrics = new Metrics(() => store.size());
  const configured = options.store
    ? { store: options.store, close: () => options.store?.close() ?? Promise.resolve() }
    : createTicketStore(config, clock, warn, (ticket) => {
        metrics.evictions.inc();
        sessions.evicted(ticket);
      });
  const store = configured.store;
  // On Redis every instance shares the clock offset and the armed faults (admin/redisShared.ts).
  const shared = steerable && sharedControlOf(store, steerable);
  // The sessions are followed with or without the admin API: the metrics, forward mode's upstream
  // LogOut and the shutdown summary need them.
  const followed: SessionBookOptions = {
    clock,
    store,
    ticketTtlMs: ticketTtlMs(config.ticketTtlDays),
    onSessionEnded: (reason, session) => {
      metrics.sessionsEnded.labels(reason).inc();
      // Forward mode: the user's upstream ticket ends upstream too, unless another live session
      // uses it (in the background).
      const { ticket, userKey } = session;
      if (!userKey) return;
      for (const forwarding of forwardings.values()) {
        const ending = forwarding.sessionEnded(ticket, userKey).finally(() => upstreamEnds.delete(ending));
        upstreamEnds.add(ending);
      }
    },
  };
  const admin = steerable
    ? new AdminControl({
        ...followed,
        clock: steerable,
        users,
        trustedPassword: config.trustedPassword,
        journalSize: config.journalSize,
        ...(shared ? { shared } : {}),
      })
    : undefined;
  const sessions: SessionBook = admin ?? new SessionBook(followed);
  // The switch-over report (/_emulator/usage): who calls what, answered by whom.
  const usage = admin && new UsageBook(clock, admin.instance);
  const counters = metrics;
  const signOut = new SignOut(config, clock, warn, (result) => counters.webhookDeliveries.inc({ result }));
  const context: OperationContext = {
    store,
    users,
    clock,
    trustedPassword: config.trustedPassword,
    onLogout: ({ ticket, userKey }) => {
      counters.logouts.inc();
      sessions.loggedOut(ticket, userKey);
      // After the store revoked the ticket: a failure here is logged, and the LogOut still succeeds.
      try {
        signOut.webhooks.notify({ ticket, userKey, reason: 'logout' });
      } catch (error) {
        warn(`logout webhooks not notified: ${(error as Error).message}`);
      }
    },
  };

  // Bound once per service, transport and operation (and outcome), not per request: prom-client
  // hashes a label object on every call, and pino serialises a child's bindings once, at bind.
  interface Bound {
    readonly log: RequestLogLine;
    readonly duration: { observe(value: number): void };
    readonly requests: Map<string, { inc(): void }>;
  }
  // By service, transport, operation: three look-ups of strings whose hashes are kept, where one
  // key joined per request would be hashed anew.
  const bound = new Map<string, Map<string, Map<string, Bound>>>();
  const bind = (event: RequestEvent): Bound => {
    const { service, transport, operation } = event;
    let byTransport = bound.get(service);
    if (!byTransport) bound.set(service, (byTransport = new Map()));
    let byOperation = byTransport.get(transport);
    if (!byOperation) byTransport.set(transport, (byOperation = new Map()));
    let entry = byOperation.get(operation);
    if (!entry) {
      entry = {
        log: new RequestLogLine(logger.child({ service, transport, operation })),
        duration: counters.duration.labels(transport),
        requests: new Map(),
      };
      byOperation.set(operation, entry);
    }
    return entry;
  };
  const count = (event: RequestEvent) => {
    const entry = bind(event);
    let requests = entry.requests.get(event.outcome);
    if (!requests) {
      requests = counters.requests.labels(event.operation, event.transport, event.outcome);
      entry.requests.set(event.outcome, requests);
    }
    requests.inc();
    entry.duration.observe(event.durationMs / 1000);
    if (entry.log.enabled()) {
      entry.log.write(
        event.req.headers['x-request-id'] ?? nextRequestId(),
        event.req.method,
        event.outcome,
        event.status,
        event.durationMs,
      );
    }
  };
  // Told after the answer is out: a metric or log line that fails must not cut its connection.
  const observe = (event: RequestEvent) => {
    try {
      count(event);
    } catch {
      // Nothing to tell: the logger itself may be what failed.
    }
    const shadowed = shadow?.observe(event) ?? false;
    // One reading of the clock for the switch-over report and the journal.
    let at: number | undefined;
    try {
      if (usage && event.answeredBy) {
        at = clock.now();
        usage.record({
          client: usageClient(event.req, config.trustProxy),
          service: event.service,
          operation: event.operation,
          transport: event.transport,
          answeredBy: event.answeredBy,
          shadowed,
          at,
        });
      }
    } catch (error) {
      warn(`usage not counted: ${(error as Error).message}`);
    }
    try {
      if (event.service !== '-' || event.call) {
        sessions.record({
          service: event.service,
          transport: event.transport,
          operation: event.operation,
          outcome: event.outcome,
          status: event.status,
          durationMs: event.durationMs,
          client: sessionClient(event.req),
          call: event.call,
          at,
        });
      }
    } catch (error) {
      warn(`call not recorded (sessions, admin journal): ${(error as Error).message}`);
    }
  };
  // Refusals in front of every handler (smuggling, IIS's URL limits, Node's parser), and the
  // requests that end without an answer.
  const hygiene = createConnectionHygiene({
    maxUrlBytes: config.maxUrlBytes,
    maxQueryStringBytes: config.maxQueryStringBytes,
    maxBodyBytes: config.maxBodyBytes,
    observe,
    unanswered: (reason, refusal) => {
      counters.unanswered.labels(reason).inc();
      if (refusal && logger.isLevelEnabled('info')) {
        logger.info({ requestId: nextRequestId(), outcome: refusal.code, status: refusal.status, reason });
      }
    },
  });
  const models = readServiceModels(entries);
  const forwardings = new Map<string, Forwarding>();
  /** Upstream LogOuts under way (never rejecting), waited for at close (each within UPSTREAM_TIMEOUT_MS). */
  const upstreamEnds = new Set<Promise<void>>();
  // Forward mode's upstream tickets live beside the sessions: in the store's Redis with STORE=redis.
  let upstreamTickets: UpstreamTicketBooks | undefined;
  if (entries.some((entry) => entry.upstream)) {
    const redis = !options.store && config.store === 'redis';
    // Loaded only when chosen, as the Redis store is (ioredis).
    type RedisBooks = typeof import('./upstream/redisUpstreamTickets');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = () => require('./upstream/redisUpstreamTickets') as RedisBooks;
    upstreamTickets = redis
      ? load().redisUpstreamTicketBooks(config, ticketTtlMs(config.ticketTtlDays))
      : memoryUpstreamTicketBooks();
  }
  for (const entry of entries) {
    const model = models.get(entry.path);
    if (!entry.upstream || !model) continue;
    forwardings.set(
      entry.path,
      createForwarding(
        model,
        {
          url: entry.upstream,
          trustedPassword: entry.upstreamTrustedPassword ?? '',
          timeoutMs: config.upstreamTimeoutMs,
          maxConcurrent: config.upstreamMaxConcurrent,
        },
        warn,
        {
          ...(upstreamTickets ? { tickets: upstreamTickets.forService(entry.path) } : {}),
          isLive: async (ticket) => (await store.peek(ticket)) !== undefined,
        },
      ),
    );
  }
  // Shadow mode: copies of the default service's calls go to SHADOW_UPSTREAM_URL, compared there.
  let shadow: ShadowMode | undefined;
  const shadowed = entries.find((entry) => entry.path.toLowerCase() === '/srv.asmx');
  const shadowModel = shadowed && models.get(shadowed.path);
  if (config.shadowUpstreamUrl && shadowed && shadowModel) {
    shadow = createShadowMode(
      {
        url: config.shadowUpstreamUrl,
        servicePath: shadowed.path,
        skip: config.shadowSkip,
        queueSize: config.shadowQueueSize,
        timeoutMs: config.upstreamTimeoutMs,
        trustedPassword: config.upstreamTrustedPassword,
      },
      shadowModel,
      store,
      metrics,
      warn,
    );
  }
  let services: readonly ServiceRuntime[] = [];
  let asmx: AsmxHandler | undefined;
  const compose = (handlerModules: Awaited<ReturnType<typeof loadHandlerModules>>) => {
    services = buildServices(entries, models, handlerModules, context, warn, forwardings);
    asmx = createAsmxHandler({
      signOut,
      services,
      invoke: {
        store,
        users,
        clock,
        onHandlerError: (operation, error) =>
          logger.error(
            { operation, err: error },
            `handler of ${operation} threw; answered as an internal error`,
          ),
      },
      trustProxy: config.trustProxy,
      maxBodyBytes: config.maxBodyBytes,
      observe,
      // Without the admin API no fault can be armed: the calls skip the check.
      ...(admin ? { faults: admin.faults } : {}),
    });
  };
  // Without handler modules (ES modules load asynchronously) the services are ready at once, so
  // library users can serve requests straight away; otherwise `ready` tells when.
  let ready: Promise<void>;
  if (entries.some((entry) => entry.handlers)) {
    ready = loadHandlerModules(entries, models).then(compose);
  } else {
    compose(new Map());
    ready = Promise.resolve();
  }
  if (config.seedTickets) {
    const file = config.seedTickets;
    ready = ready.then(async () => {
      await seedTickets(file, store, users);
    });
  }
  // Serve with the shared clock offset and faults read (bounded: a Redis down at start is not fatal).
  if (shared) ready = ready.then(() => shared.synced);
  // A failed start is reported by whoever awaits `ready` (startServer, the CLI); never unhandled.
  ready.catch(() => undefined);
  const paths = entries.map((entry) => entry.path.toLowerCase());
  const handleServiceRequest = Object.assign(
    (req: IncomingMessage, res: ServerResponse) => {
      if (asmx) return asmx(req, res);
      // Only reachable when a caller serves requests without waiting for `ready`.
      const answer = plainError(PlainErrors.notReady());
      res.writeHead(answer.status, answer.headers as Record<string, string>).end(answer.body);
    },
    {
      isServicePath: (url: string | undefined) => {
        if (url === undefined) return false;
        // A loop, not paths.some(): no closure made on every request.
        for (const path of paths) if (isAtOrBelow(url, path)) return true;
        return false;
      },
    },
  );
  const parts: AppParts = {
    config,
    store,
    context,
    signOut,
    metrics,
    handleServiceRequest,
    sessions,
    ...(admin ? { admin } : {}),
    ...(usage ? { usage } : {}),
    ...(shadow ? { shadow } : {}),
  };
  const listener = createRequestListener(parts);
  return {
    ...parts,
    logger,
    ready,
    services: () => services,
    handler: hygiene.guard(listener),
    serverListeners: { clientError: hygiene.clientError, checkContinue: hygiene.checkContinue(listener) },
    router: () => createRouter(parts),
    close: async () => {
      // One summary line of how this instance's sessions ended: the leak report at shutdown.
      try {
        const report = await sessions.leakReport(15 * 60 * 1000);
        logger.info({ sessions: report.totals, untracked: report.untracked }, 'session summary at shutdown');
      } catch (error) {
        warn(`session summary not computed: ${(error as Error).message}`);
      }
      shadow?.close();
      await signOut.webhooks.drain();
      shared?.close();
      await Promise.all(upstreamEnds);
      await upstreamTickets?.close();
      await configured.close();
    },
  };
}
