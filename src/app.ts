import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { AdminControl, SessionBook } from './admin/adminControl';
import { adminRoutes } from './admin/adminRoutes';
import type { Config } from './config';
import type { RequestListener } from './http/asmxHandler';
import { DEFAULT_SERVICE_PATH } from './services/loadServices';
import type { Metrics } from './observability/metrics';
import type { OperationContext } from './operations/types';
import { signOutRoutes } from './signout/routes';
import type { SignOut } from './signout/signout';
import type { TicketStore } from './tickets/TicketStore';
import type { ShadowMode } from './shadow/shadowMode';
import type { UsageBook } from './usage/usageBook';

/** What the routes beside /srv.asmx need of an emulator. */
export interface AppParts {
  readonly config: Config;
  readonly store: TicketStore;
  readonly context: OperationContext;
  readonly signOut: SignOut;
  readonly metrics: Metrics;
  /** The ASMX services, and the test of which URLs are theirs. */
  readonly handleServiceRequest: RequestListener & { isServicePath(url: string | undefined): boolean };
  /**
   * The sessions this instance follows, whose expiries a `/metrics` scrape notices; the admin
   * control's when absent.
   */
  readonly sessions?: SessionBook;
  /** The control plane of `/_emulator/` (clock, faults, journal, sessions); absent with ADMIN_API=off. */
  readonly admin?: AdminControl;
  /** Shadow mode (SHADOW_UPSTREAM_URL), whose report `/_emulator/shadow` serves. */
  readonly shadow?: ShadowMode;
  /** The switch-over report's counts, which `/_emulator/usage` serves. */
  readonly usage?: UsageBook;
}

/**
 * An express router with everything the emulator serves: `/srv.asmx` (handed straight to the
 * lean node:http handler), the sign-out routes, `/healthz`, `/readyz` and `/metrics`. Mount it in
 * an existing app, at its root or under a prefix.
 */
export function createRouter(parts: AppParts): express.Router {
  const router = express.Router();
  router.use((req, res, next) =>
    parts.handleServiceRequest.isServicePath(req.url) ? parts.handleServiceRequest(req, res) : next(),
  );
  // Liveness: the process answers. Readiness: the ticket store answers too.
  router.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  router.get('/readyz', (_req, res) => {
    parts.store.ping().then(
      () => res.type('text/plain').send('ready'),
      () => res.status(503).type('text/plain').send('not ready: ticket store unreachable'),
    );
  });
  router.get('/metrics', (_req, res, next) => {
    // Expiries are noticed when someone looks: a scrape counts those since the last look.
    const sessions = parts.sessions ?? parts.admin;
    (sessions ? sessions.listSessions().catch(() => undefined) : Promise.resolve())
      .then(() => parts.metrics.registry.metrics())
      .then((text) => res.type(parts.metrics.registry.contentType).send(text), next);
  });
  // ADMIN_API=off: not mounted at all, so `/_emulator/` answers as any unknown path.
  if (parts.admin && parts.config.adminApi !== 'off') {
    router.use(
      '/_emulator',
      adminRoutes(parts.admin, {
        token: parts.config.adminToken,
        configuredHost: parts.config.host,
        ...(parts.shadow ? { shadow: parts.shadow } : {}),
        ...(parts.usage ? { usage: parts.usage } : {}),
      }),
    );
  }
  router.use(signOutRoutes(parts.config, parts.signOut, parts.context));
  return router;
}

/**
 * The whole service as one node:http listener: `/srv.asmx` on the lean handler (the hot path
 * pays nothing for routing), every other path on an express app around {@link createRouter}.
 */
export function createRequestListener(parts: AppParts): (req: IncomingMessage, res: ServerResponse) => void {
  // Built on the first request outside /srv.asmx, so start-up does not wait for it.
  let app: express.Express | undefined;
  return (req, res) =>
    parts.handleServiceRequest.isServicePath(req.url)
      ? parts.handleServiceRequest(req, res)
      : (app ??= createApp(parts))(req, res);
}

function createApp(parts: AppParts): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/', (_req, res) => res.redirect(302, DEFAULT_SERVICE_PATH));
  // Browsers ask for an icon on their own; an empty answer keeps their consoles free of 404s.
  app.get('/favicon.ico', (_req, res) => res.status(204).set('Cache-Control', 'public, max-age=86400').end());
  app.use(createRouter(parts));
  app.use((_req, res) => res.status(404).type('text/plain').send('Not found.'));
  // Nothing internal reaches the client.
  app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).type('text/plain').send('Internal error.');
  });
  return app;
}
