import type { Server } from 'node:net';
import express from 'express';
import { adminAccess } from './adminAccess';
import { renderAdminApiPage } from './adminApiReference';
import { AdminControl, AdminError } from './adminControl';
import { renderDashboard } from './dashboard';
import { FaultSpecSchema } from './faultBook';
import { addIsoDuration, parseIsoDuration } from './isoDuration';
import type { JournalFilter } from './journal';
import { shadowReportHtml } from '../shadow/shadowReport';
import type { ShadowMode } from '../shadow/shadowMode';
import type { UsageBook } from '../usage/usageBook';
import { usageHtml } from '../usage/usageHtml';

export interface AdminRoutesOptions {
  readonly token: string;
  /** The configured listening address, when the request's server cannot tell its own. */
  readonly configuredHost: string;
  /** Shadow mode, when on: its report at `/shadow`. */
  readonly shadow?: ShadowMode;
  /** The switch-over report's counts: served at `/usage`. */
  readonly usage?: UsageBook;
}

/** The default idle threshold of the leak report: open and unused for longer than this. */
export const DEFAULT_IDLE = 'PT15M';

/** The address the server that took this request listens on. */
function listeningAddress(req: express.Request, fallback: string): string | undefined {
  const address = (req.socket as { server?: Server }).server?.address?.();
  if (typeof address === 'string') return 'localhost'; // a local (Unix) socket
  return address?.address ?? fallback;
}

const isForm = (req: express.Request) => Boolean(req.is('application/x-www-form-urlencoded'));

/**
 * A form post from another site would be a cross-site request forgery against a loopback admin
 * API: form posts must come from this origin (JSON needs a preflight no other site gets).
 */
function sameOrigin(req: express.Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin' || site === 'none';
  const origin = req.get('origin');
  try {
    return origin !== undefined && new URL(origin).host === req.get('host');
  } catch {
    return false; // `null` or not a URL
  }
}

type Handler = (req: express.Request) => Promise<{ status?: number; body: unknown; notice?: string }>;

/**
 * The admin API under `/_emulator/` (JSON in, JSON out) and its dashboard. Off (passes the
 * request on, so it answers as any unknown path) unless a token is set or the server listens on
 * a loopback address; with a token every call needs `Authorization: Bearer <token>`.
 */
export function adminRoutes(admin: AdminControl, options: AdminRoutesOptions): express.Router {
  const router = express.Router();
  router.use((req, res, next) => {
    const access = adminAccess(
      options.token,
      listeningAddress(req, options.configuredHost),
      req.get('authorization'),
    );
    if (access === 'off') return next('router');
    res.set('Cache-Control', 'no-store');
    if (access === 'unauthorized') {
      res.set('WWW-Authenticate', 'Bearer realm="asmx-emulator admin"');
      return res.status(401).json({ error: 'the admin API needs Authorization: Bearer <ADMIN_TOKEN>' });
    }
    next();
  });
  router.use(express.json({ limit: '16kb' }), express.urlencoded({ extended: false, limit: '16kb' }));
  // HTML forms cannot send DELETE: a form field `_method=DELETE` stands for it.
  router.use((req, res, next) => {
    if (req.method !== 'POST' || !isForm(req)) return next();
    if (!sameOrigin(req))
      return res.status(403).json({ error: 'a form post to the admin API must come from its own origin' });
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body._method === 'DELETE') req.method = 'DELETE';
    delete body._method;
    next();
  });

  /** Answers JSON, or, to a dashboard form, a 303 back to the dashboard with a notice. */
  const serve =
    (handler: Handler): express.RequestHandler =>
    (req, res, next) => {
      handler(req).then(
        ({ status = 200, body, notice }) => {
          if (isForm(req))
            return res.redirect(303, `${req.baseUrl}/?notice=${encodeURIComponent(notice ?? 'done')}`);
          res.status(status).json(body);
        },
        (error: unknown) => {
          if (!(error instanceof AdminError)) return next(error);
          if (isForm(req))
            return res.redirect(303, `${req.baseUrl}/?notice=${encodeURIComponent(error.message)}`);
          res.status(error.status).json({ error: error.message });
        },
      );
    };
  const body = (req: express.Request) =>
    req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  const client = (req: express.Request) => ({
    address: req.socket.remoteAddress ?? '',
    userAgent: req.get('user-agent') ?? '',
  });

  router.get('/', (req, res, next) => {
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, `${req.baseUrl}/`);
    dashboardData(admin, req)
      .then((data) => {
        const html = renderDashboard({ ...data, base: req.baseUrl, nonce: data.nonce });
        // Styles may be inline (screenshot tools inject some); the one script needs its nonce.
        res
          .set(
            'Content-Security-Policy',
            `default-src 'none'; script-src 'nonce-${data.nonce}'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
          )
          .type('html')
          .send(html);
      })
      .catch(next);
  });

  // The reference of these endpoints (a test holds the README's table to the same list).
  router.get('/api', (_req, res) => {
    res
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'")
      .type('html')
      .send(renderAdminApiPage());
  });

  router.get(
    '/clock',
    serve(async () => ({ body: await admin.clockView() })),
  );
  router.post(
    '/clock',
    serve(async (req) => {
      const { advance, set } = body(req);
      if (typeof advance === 'string' && advance !== '') {
        const view = await admin.advanceClock(advance);
        return { body: view, notice: `clock advanced by ${advance}: ${view.now}` };
      }
      if (typeof set === 'string' && set !== '') {
        const view = await admin.setClock(set);
        return { body: view, notice: `clock set to ${view.now}` };
      }
      throw new AdminError(400, 'give {"advance": "<ISO-8601 duration>"} or {"set": "<ISO-8601 time>"}');
    }),
  );
  router.delete(
    '/clock',
    serve(async () => ({ body: await admin.resetClock(), notice: 'back to real time' })),
  );

  router.get(
    '/faults',
    serve(async () => ({ body: { faults: await admin.faults.list() } })),
  );
  router.post(
    '/faults',
    serve(async (req) => {
      // Form fields come as strings; empty ones take their defaults.
      const fields = Object.fromEntries(Object.entries(body(req)).filter(([, v]) => v !== ''));
      const parsed = FaultSpecSchema.safeParse(fields);
      if (!parsed.success) {
        const problem = parsed.error.issues
          .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
          .join('; ');
        throw new AdminError(400, `not a fault: ${problem}`);
      }
      const fault = await admin.faults.arm(parsed.data);
      return {
        status: 201,
        body: fault,
        notice: `armed ${fault.fault} for ${fault.operation} (${fault.times}×)`,
      };
    }),
  );
  router.delete(
    '/faults',
    serve(async () => ({ body: { disarmed: await admin.faults.disarm() }, notice: 'faults disarmed' })),
  );
  router.delete(
    '/faults/:id',
    serve(async (req) => {
      if (!(await admin.faults.disarm(String(req.params.id))))
        throw new AdminError(404, `no armed fault ${req.params.id}`);
      return { body: { disarmed: true }, notice: `fault ${req.params.id} disarmed` };
    }),
  );

  const journalBody = (req: express.Request) => ({
    instance: admin.instance,
    scope: 'instance' as const,
    note: 'the journal holds the calls this instance answered; other instances keep their own',
    capacity: admin.journal.capacity,
    filter: journalFilter(req.query),
  });
  router.get(
    '/requests',
    serve(async (req) => {
      const info = journalBody(req);
      return { body: { ...info, requests: admin.journal.query(info.filter) } };
    }),
  );
  router.get(
    '/requests/count',
    serve(async (req) => {
      const info = journalBody(req);
      return { body: { ...info, count: admin.journal.count(info.filter) } };
    }),
  );
  router.delete(
    '/requests',
    serve(async () => (admin.journal.clear(), { body: { cleared: true }, notice: 'journal cleared' })),
  );

  router.get(
    '/sessions',
    serve(async () => ({
      body: { instance: admin.instance, scope: 'instance', sessions: await admin.listSessions() },
    })),
  );
  router.get(
    '/sessions/report',
    serve(async (req) => ({
      body: {
        instance: admin.instance,
        scope: 'instance',
        ...(await admin.leakReport(idleThreshold(req.query.idle))),
      },
    })),
  );
  router.post(
    '/sessions',
    serve(async (req) => {
      const { user } = body(req);
      if (typeof user !== 'string' || user === '') throw new AdminError(400, 'give {"user": "<user name>"}');
      const issued = await admin.issueSession(user, client(req));
      return {
        status: 201,
        body: issued,
        notice: `session issued for ${issued.user}: #${issued.ticketHash}`,
      };
    }),
  );
  router.delete(
    '/sessions/:ticket',
    serve(async (req) => {
      const ended = await admin.endSession(String(req.params.ticket));
      return { body: ended, notice: `session #${ended.ticketHash} ended` };
    }),
  );

  // Shadow mode's report: JSON to `Accept: application/json` or `?format=json`, else a page.
  router.get('/shadow', (req, res) => {
    const shadow = options.shadow;
    if (!shadow) return res.status(404).json({ error: 'shadow mode is off: set SHADOW_UPSTREAM_URL' });
    const view = shadow.view();
    if (req.query.format === 'json' || req.accepts(['html', 'json']) === 'json') return res.json(view);
    res
      .set(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
      )
      .type('html')
      .send(shadowReportHtml(view));
  });

  // The switch-over report: a page to `Accept: text/html` or `?format=html`, else JSON.
  router.get('/usage', (req, res) => {
    const usage = options.usage;
    if (!usage) return res.status(404).json({ error: 'no usage counted by this emulator' });
    const view = usage.view();
    const html =
      req.query.format === 'html' ||
      (req.query.format !== 'json' && req.accepts(['json', 'html']) === 'html');
    if (!html) return res.json(view);
    res
      .set(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
      )
      .type('html')
      .send(usageHtml(view));
  });
  router.delete(
    '/usage',
    serve(async () => (options.usage?.clear(), { body: { cleared: true }, notice: 'usage counts cleared' })),
  );

  router.post(
    '/reset',
    serve(
      async () => (
        await admin.reset(),
        { body: { reset: true }, notice: 'reset: tickets, journal, faults and clock' }
      ),
    ),
  );

  router.use((_req, res) => {
    res.status(404).json({ error: 'no such admin endpoint (see the README, "Steering it from tests")' });
  });
  // A body that is not JSON (or too large) is the caller's mistake; anything else is internal.
  router.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500)
      return res.status(status).json({ error: (error as Error).message });
    res.status(500).json({ error: 'internal error' });
  });
  return router;
}

function journalFilter(query: express.Request['query']): JournalFilter {
  const text = (name: string) => {
    const value = query[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const since = text('since');
  let sinceMs: number | undefined;
  if (since !== undefined) {
    sinceMs = Date.parse(since);
    if (!Number.isFinite(sinceMs))
      throw new AdminError(400, `"since" must be an ISO-8601 time, not ${JSON.stringify(since)}`);
  }
  const filter: Record<string, string | number> = {};
  for (const name of ['operation', 'user', 'outcome', 'service', 'transport']) {
    const value = text(name);
    if (value !== undefined) filter[name] = value;
  }
  if (sinceMs !== undefined) filter.since = sinceMs;
  return filter as JournalFilter;
}

function idleThreshold(value: unknown): number {
  const text = typeof value === 'string' && value !== '' ? value : DEFAULT_IDLE;
  const duration = parseIsoDuration(text);
  if (!duration || duration.sign < 0)
    throw new AdminError(
      400,
      `"idle" must be an ISO-8601 duration such as PT15M, not ${JSON.stringify(text)}`,
    );
  return addIsoDuration(0, duration);
}

async function dashboardData(admin: AdminControl, req: express.Request) {
  const { randomBytes } = await import('node:crypto');
  const query = req.query;
  let filter: JournalFilter = {};
  let notice = typeof query.notice === 'string' ? query.notice : undefined;
  try {
    filter = journalFilter(query);
  } catch (error) {
    notice = (error as Error).message;
  }
  const sessions = await admin.listSessions();
  return {
    nonce: randomBytes(16).toString('base64'),
    clock: await admin.clockView(),
    sessions,
    report: admin.sessions.report(admin.clock.now(), idleThreshold(undefined)),
    faults: await admin.faults.list(),
    journal: admin.journal.query(filter).slice(-200).reverse(),
    filter,
    instance: admin.instance,
    journalCapacity: admin.journal.capacity,
    ...(notice ? { notice } : {}),
  };
}
