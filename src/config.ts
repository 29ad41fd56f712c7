import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  checked,
  checkSettingRules,
  cookieDomainProblem,
  cookieNameProblem,
  cookiePathProblem,
  eachItem,
  hostProblem,
  originProblem,
  redirectUrlProblem,
  redisUrlProblem,
  ticketTtlProblem,
  webhookUrlProblem,
} from './settingRules';

/** Where the package's own files (wsdl/, fixtures/) live, whether run from src/ or dist/. */
export const PACKAGE_ROOT = path.resolve(__dirname, '..');

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * Operations shadow mode does not copy by default: the ones that change state upstream (the
 * session operations that issue or end tickets, and by name the writes). `Name*` is a prefix.
 */
export const DEFAULT_SHADOW_SKIP = [
  'LogOut',
  'AuthenticateUser',
  'CreateTicketforUser',
  'RenewTicket',
  'Create*',
  'Delete*',
  'Upload*',
  'Set*',
  'Update*',
] as const;

/** A comma-separated list (environment) or an array (library use). */
const list = z
  .union([z.array(z.string()), z.string()])
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean),
  )
  .default([]);

/** A list of `host:port` (Redis Sentinel, Cluster); `[v6 address]:port` for IPv6. */
const hostPorts = (example: string) =>
  list.transform((items, ctx) => {
    const parsed: { host: string; port: number }[] = [];
    for (const item of items) {
      const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(item);
      const port = Number(match?.[3]);
      if (!match || port < 1 || port > 65535) {
        ctx.addIssue({ code: 'custom', message: `"${item}" is not host:port (e.g. ${example})` });
        return z.NEVER;
      }
      parsed.push({ host: (match[1] ?? match[2]) as string, port });
    }
    return parsed;
  });

/** The Redis topology is one of REDIS_URL alone, Sentinel or Cluster, and WAIT must answer before a command times out. */
function checkRedisTopology(
  config: {
    store: string;
    redisSentinels: unknown[];
    redisSentinelName: string;
    redisClusterNodes: unknown[];
    redisCommandTimeoutMs: number;
    redisWaitReplicas: number;
    redisWaitTimeoutMs: number;
  },
  ctx: z.RefinementCtx,
): void {
  const issue = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
  const sentinels = config.redisSentinels.length > 0;
  const cluster = config.redisClusterNodes.length > 0;
  if (config.store !== 'redis') {
    if (sentinels) issue('redisSentinels', 'takes effect only with STORE=redis');
    if (config.redisSentinelName) issue('redisSentinelName', 'takes effect only with STORE=redis');
    if (cluster) issue('redisClusterNodes', 'takes effect only with STORE=redis');
    if (config.redisWaitReplicas > 0) issue('redisWaitReplicas', 'takes effect only with STORE=redis');
    return;
  }
  if (sentinels && cluster) {
    issue(
      'redisClusterNodes',
      'cannot be combined with REDIS_SENTINELS: choose one topology (REDIS_URL alone, Sentinel or Cluster)',
    );
  }
  if (sentinels && !config.redisSentinelName) {
    issue('redisSentinels', 'needs REDIS_SENTINEL_NAME, the name of the master the sentinels monitor');
  }
  if (!sentinels && config.redisSentinelName) {
    issue('redisSentinelName', 'needs REDIS_SENTINELS, the sentinels to ask for that master');
  }
  if (config.redisWaitReplicas > 0 && config.redisWaitTimeoutMs >= config.redisCommandTimeoutMs) {
    issue(
      'redisWaitTimeoutMs',
      `must be less than REDIS_COMMAND_TIMEOUT_MS (${config.redisCommandTimeoutMs}), or the command times out before WAIT answers`,
    );
  }
}

/** An upstream of forward mode: empty (none) or an http(s) URL of an ASMX service without credentials. */
function upstreamUrlProblem(value: string): string | undefined {
  if (value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL: allowed is the http(s) URL of the upstream ASMX service, e.g. "http://legacy/srv.asmx"';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
  if (url.username || url.password) return 'must not carry credentials (the upstream is called with tickets)';
  return undefined;
}

/** A JSON text (environment variable) or the value itself (config file, library use). */
const jsonText = (value: unknown) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

/**
 * One ASMX service beside (or instead of) the default `/srv.asmx`: its path, its WSDL, and who
 * answers its operations (stubs folder, handler module). Relative file names in a config file are
 * relative to that file.
 */
export const ServiceEntrySchema = z
  .object({
    path: z.string().regex(/^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)*\/[A-Za-z0-9._~!$&'()*+,;=:@-]+\.asmx$/i, {
      message: 'must be an absolute path ending in .asmx, e.g. "/Orders.asmx"',
    }),
    wsdl: z.string().min(1),
    stubs: z.string().min(1).optional(),
    handlers: z.string().min(1).optional(),
    /** Forward mode: operations nobody here answers go to this upstream ASMX service (`http://legacy/Orders.asmx`). */
    upstream: z.string().superRefine(checked(upstreamUrlProblem)).optional(),
    /** The upstream's trusted password, for its CreateTicketforUser (an upstream ticket per user). */
    upstreamTrustedPassword: z.string().min(1).optional(),
  })
  .strict();

export type ServiceEntry = z.output<typeof ServiceEntrySchema>;

/**
 * Every setting: its name (which gives its variable and flag), default and allowed values. Each is
 * described once, in SETTING_DOCS below.
 */
export const ConfigSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    ticketTtlDays: z.coerce.number().positive().max(3650).superRefine(checked(ticketTtlProblem)).default(30),
    maxTickets: z.coerce.number().int().min(1).max(100_000_000).default(1_000_000),
    trustedPassword: z.string().min(1).default('MyServerSecret'),
    usersFile: z
      .string()
      .min(1)
      .default(path.join(PACKAGE_ROOT, 'fixtures', 'users.json')),
    wsdlFile: z
      .string()
      .min(1)
      .default(path.join(PACKAGE_ROOT, 'wsdl', 'srv.wsdl')),
    trustProxy: z.union([z.boolean(), flag]).default(false),
    maxBodyBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    store: z.enum(['memory', 'redis']).default('memory'),
    redisUrl: z.string().superRefine(checked(redisUrlProblem)).default('redis://127.0.0.1:6379'),
    redisKeyPrefix: z.string().max(100).default('asmx:'),
    redisCommandTimeoutMs: z.coerce.number().int().min(10).max(60_000).default(1000),
    redisSentinels: hostPorts('10.0.0.5:26379'),
    redisSentinelName: z.string().default(''),
    redisClusterNodes: hostPorts('10.0.0.5:7000'),
    redisWaitReplicas: z.coerce.number().int().min(0).max(100).default(0),
    redisWaitTimeoutMs: z.coerce.number().int().min(1).max(60_000).default(500),
    snapshotFile: z.string().default(''),
    snapshotIntervalMs: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
    revocationLog: z.union([z.boolean(), flag]).default(true),
    cookiePath: z.string().superRefine(checked(cookiePathProblem)).default('/'),
    cookieDomain: z.string().superRefine(checked(cookieDomainProblem)).default(''),
    clearCookies: list.superRefine(eachItem(cookieNameProblem)),
    logoutLandingUrl: z
      .string()
      .superRefine(checked((url) => redirectUrlProblem(url, false)))
      .default('/'),
    logoutErrorUrl: z
      .string()
      .superRefine(checked((url) => redirectUrlProblem(url, true)))
      .default(''),
    redirectAllowedHosts: list.superRefine(eachItem(hostProblem)),
    csrfGuard: z.union([z.boolean(), flag]).default(false),
    csrfSecret: z.string().default(''),
    csrfAllowedOrigins: list.superRefine(eachItem(originProblem)),
    logoutWebhooks: list.superRefine(eachItem(webhookUrlProblem)),
    webhookSecret: z.string().default(''),
    webhookMaxAttempts: z.coerce.number().int().min(1).max(20).default(4),
    webhookTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(3000),
    webhookRetryBaseMs: z.coerce.number().int().min(1).max(60_000).default(500),
    externalLoginUrl: z
      .string()
      .superRefine(checked((url) => redirectUrlProblem(url, true)))
      .default(''),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    shutdownTimeoutMs: z.coerce.number().int().min(0).max(600_000).default(10_000),
    maxHeaderBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024)
      .default(16 * 1024),
    // IIS request filtering's requestLimits: a longer path answers 404.14, a longer query string 404.15.
    maxUrlBytes: z.coerce
      .number()
      .int()
      .min(256)
      .max(1024 * 1024)
      .default(4096),
    maxQueryStringBytes: z.coerce
      .number()
      .int()
      .min(0)
      .max(1024 * 1024)
      .default(2048),
    headersTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
    requestTimeoutMs: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    keepAliveTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(5_000),
    services: z
      .preprocess(jsonText, z.array(ServiceEntrySchema))
      .default([])
      .refine((entries) => new Set(entries.map((e) => e.path.toLowerCase())).size === entries.length, {
        message: 'two services have the same path (paths match case-insensitively, as on IIS)',
      }),
    seedTickets: z.string().default(''),
    upstreamUrl: z.string().superRefine(checked(upstreamUrlProblem)).default(''),
    upstreamTrustedPassword: z.string().default(''),
    upstreamTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
    upstreamMaxConcurrent: z.coerce.number().int().min(1).max(10_000).default(64),
    shadowUpstreamUrl: z.string().superRefine(checked(upstreamUrlProblem)).default(''),
    shadowSkip: z
      .union([z.array(z.string()), z.string()])
      .transform((value) =>
        (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean),
      )
      .default([...DEFAULT_SHADOW_SKIP]),
    shadowQueueSize: z.coerce.number().int().min(1).max(100_000).default(100),
    adminApi: z.enum(['auto', 'off']).default('auto'),
    adminToken: z.string().default(''),
    journalSize: z.coerce.number().int().min(0).max(100_000).default(1000),
  })
  .superRefine(checkRedisTopology)
  .superRefine(checkSettingRules);

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** The command-line flag of a setting: its name in kebab case (`ticketTtlDays` → `--ticket-ttl-days`). */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The environment variable of a setting: its name in constant case (`ticketTtlDays` → `TICKET_TTL_DAYS`). */
export function variableOf(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** Environment variable of each setting, generated from its name. */
export const ENVIRONMENT_VARIABLES = Object.fromEntries(
  Object.keys(ConfigSchema.shape).map((key) => [key, variableOf(key)]),
) as Record<keyof Config, string>;

/** The groups of the settings reference (README table, --help), in their order there. */
export const SETTING_GROUPS = {
  server: 'Server',
  tickets: 'Tickets and stores',
  services: 'Services and users',
  signout: 'Sign-out flows',
  limits: 'Limits and timeouts',
  logs: 'Logs',
} as const;

export interface SettingDoc {
  readonly group: keyof typeof SETTING_GROUPS;
  /** What it does, in one line; the allowed values of numbers, enums and flags are added from the schema. */
  readonly description: string;
  /** The flag's argument in --help, when `<n>`, `<text>`, `<a,b,…>` … from the schema would say less. */
  readonly value?: string;
  /** The default as shown, when the value itself would say less (or too much). */
  readonly defaultText?: string;
  /** What is allowed, when the schema's checks alone do not say it. */
  readonly allowed?: string;
}

/**
 * Every setting described once: the README's settings table (`npm run docs:settings`) and --help
 * are generated from this and the schema above; test/settings.test.ts fails when they drift.
 */
export const SETTING_DOCS: { readonly [K in keyof Config]: SettingDoc } = {
  port: { group: 'server', description: 'TCP port to listen on (0 picks a free one)' },
  host: { group: 'server', value: '<addr>', description: 'address to listen on (`0.0.0.0` for all)' },
  ticketTtlDays: {
    group: 'tickets',
    value: '<days>',
    description: 'sliding expiry window of a ticket, in days',
    allowed: 'over 0 and at most 3650, fractions allowed; at least one second (0.0000115741)',
  },
  maxTickets: {
    group: 'tickets',
    description: 'bound on live tickets of the memory store; beyond it the least recently used goes',
  },
  trustedPassword: {
    group: 'services',
    value: '<password>',
    description: 'the password `CreateTicketforUser` expects in `TrustedUserPwd`',
  },
  usersFile: { group: 'services', value: '<file>', description: 'the users (see [Users](#users))' },
  wsdlFile: {
    group: 'services',
    value: '<file>',
    description: 'the WSDL of the default `/srv.asmx` session service',
  },
  trustProxy: {
    group: 'server',
    description:
      'honour `X-Forwarded-Proto`/`X-Forwarded-Host` for the addresses in the WSDL and `Secure` cookies',
  },
  maxBodyBytes: {
    group: 'limits',
    value: '<bytes>',
    description: 'largest request body accepted (413 beyond)',
  },
  store: {
    group: 'tickets',
    description: 'where tickets live: this process, or a Redis shared by every instance',
  },
  redisUrl: {
    group: 'tickets',
    value: '<url>',
    description: 'the Redis of `STORE=redis` (`redis://` or `rediss://`, with any password)',
  },
  redisKeyPrefix: {
    group: 'tickets',
    value: '<text>',
    description: 'prefix of every Redis key (`<prefix>ticket:<ticket>`)',
  },
  redisCommandTimeoutMs: {
    group: 'tickets',
    value: '<ms>',
    description: 'a Redis call that takes longer fails ([903]/[904]); at once while disconnected',
  },
  redisSentinels: {
    group: 'tickets',
    value: '<host:port,…>',
    description: 'Redis Sentinels to ask for the master (with `REDIS_SENTINEL_NAME`), instead of `REDIS_URL`',
  },
  redisSentinelName: {
    group: 'tickets',
    value: '<name>',
    description: 'the name of the master the sentinels of `REDIS_SENTINELS` monitor',
  },
  redisClusterNodes: {
    group: 'tickets',
    value: '<host:port,…>',
    description: 'Redis Cluster nodes to start from, instead of `REDIS_URL`',
  },
  redisWaitReplicas: {
    group: 'tickets',
    description: 'replicas that must confirm each write (`WAIT`) before it is acknowledged; 0: none',
  },
  redisWaitTimeoutMs: {
    group: 'tickets',
    value: '<ms>',
    description: 'how long a write waits for those replicas; less than `REDIS_COMMAND_TIMEOUT_MS`',
  },
  snapshotFile: {
    group: 'tickets',
    value: '<file>',
    description: 'the memory store keeps its tickets across restarts in this file (written atomically)',
  },
  snapshotIntervalMs: { group: 'tickets', value: '<ms>', description: 'how often the snapshot is written' },
  revocationLog: {
    group: 'tickets',
    description: 'with `SNAPSHOT_FILE`: each LogOut is made durable in a log before it is acknowledged',
  },
  cookiePath: { group: 'signout', value: '<path>', description: '`Path` of the cookies a sign-out clears' },
  cookieDomain: {
    group: 'signout',
    value: '<domain>',
    description: '`Domain` of the cookies a sign-out clears; none: host-only cookies',
  },
  clearCookies: {
    group: 'signout',
    value: '<name,…>',
    description: 'more cookies a sign-out clears besides `ticket` (cookie names: RFC 6265 tokens)',
  },
  logoutLandingUrl: {
    group: 'signout',
    value: '<url>',
    description: 'where `/logout` sends the browser when `returnUrl` is absent or not allowed',
  },
  logoutErrorUrl: {
    group: 'signout',
    value: '<url>',
    description: 'where `/logout` sends the browser without a valid ticket (`%error_code%` is replaced)',
  },
  redirectAllowedHosts: {
    group: 'signout',
    value: '<host,…>',
    description: 'hosts (`host` or `host:port`) a `returnUrl` may point at, besides paths here',
  },
  csrfGuard: {
    group: 'signout',
    description: 'a LogOut by the ticket cookie alone needs `X-CSRF-TOKEN` or an allowed `Origin`',
  },
  csrfSecret: {
    group: 'signout',
    value: '<secret>',
    description: 'key of the CSRF tokens, shared by every instance; none: random per process',
  },
  csrfAllowedOrigins: {
    group: 'signout',
    value: '<origin,…>',
    description: 'origins (`https://host[:port]`) whose cookie-only LogOuts pass the CSRF guard',
  },
  logoutWebhooks: {
    group: 'signout',
    value: '<url,…>',
    description: 'http(s) URLs that get a signed POST after every LogOut (needs `WEBHOOK_SECRET`)',
  },
  webhookSecret: {
    group: 'signout',
    value: '<secret>',
    description: "key of the webhooks' `X-Asmx-Signature-256` (HMAC-SHA256 of the body)",
  },
  webhookMaxAttempts: {
    group: 'signout',
    description: 'deliveries of one webhook before it counts as failed',
  },
  webhookTimeoutMs: {
    group: 'signout',
    value: '<ms>',
    description: 'one webhook delivery attempt gives up after this long',
  },
  webhookRetryBaseMs: {
    group: 'signout',
    value: '<ms>',
    description: 'first webhook retry after this long, doubling each time',
  },
  externalLoginUrl: {
    group: 'signout',
    value: '<url>',
    description: '`/login` redirects here (`%next_page%` is replaced); none: `/login` answers 404',
  },
  logLevel: {
    group: 'logs',
    description: 'JSON log lines on stdout from this level up; `info` logs every request',
  },
  shutdownTimeoutMs: {
    group: 'limits',
    value: '<ms>',
    description: 'on SIGTERM/SIGINT, requests still busy after this long are cut',
  },
  maxHeaderBytes: {
    group: 'limits',
    value: '<bytes>',
    description: 'largest request header block (431 beyond)',
  },
  maxUrlBytes: {
    group: 'limits',
    value: '<bytes>',
    description: 'longest URL path, as IIS request filtering (404.14 beyond)',
  },
  maxQueryStringBytes: {
    group: 'limits',
    value: '<bytes>',
    description: 'longest query string, as IIS request filtering (404.15 beyond)',
  },
  headersTimeoutMs: {
    group: 'limits',
    value: '<ms>',
    description: 'the headers of a request must arrive within this long (408); at most `REQUEST_TIMEOUT_MS`',
  },
  requestTimeoutMs: {
    group: 'limits',
    value: '<ms>',
    description: 'a whole request must arrive within this long (408)',
  },
  keepAliveTimeoutMs: {
    group: 'limits',
    value: '<ms>',
    description: 'an idle keep-alive connection closes after this long',
  },
  services: {
    group: 'services',
    value: '<json>',
    defaultText: 'none',
    description:
      "more ASMX services, JSON (usually the config file's `services`, see [Serving any ASMX service](#serving-any-asmx-service))",
  },
  seedTickets: {
    group: 'tickets',
    value: '<file>',
    description: 'a JSON file of tickets live from the start, `[{"ticket", "user"}]`',
  },
  upstreamUrl: {
    group: 'services',
    value: '<url>',
    defaultText: 'none',
    description:
      'forward mode: operations of the default service that nothing here answers go to this ASMX service (see [Moving off the legacy server](#moving-off-the-legacy-server))',
  },
  upstreamTrustedPassword: {
    group: 'services',
    value: '<password>',
    defaultText: 'none',
    description:
      "the upstream's trusted password: forwarded calls use upstream tickets from its `CreateTicketforUser`",
  },
  upstreamTimeoutMs: {
    group: 'limits',
    value: '<ms>',
    description: 'a forwarded call the upstream has not answered after this long fails ([904])',
  },
  upstreamMaxConcurrent: {
    group: 'limits',
    description: 'forwarded calls under way at once, per upstream; more wait for a slot (within the timeout)',
  },
  shadowUpstreamUrl: {
    group: 'services',
    value: '<url>',
    defaultText: 'none',
    description:
      'shadow mode: a copy of each call to the default service goes to this ASMX service in the background and its answer is compared (`/_emulator/shadow`; upstream tickets from `UPSTREAM_TRUSTED_PASSWORD`)',
  },
  shadowSkip: {
    group: 'services',
    value: '<name,…>',
    defaultText: DEFAULT_SHADOW_SKIP.join(','),
    description:
      'operations shadow mode never copies (`Name*`: every operation starting with Name); the default leaves out what changes state',
  },
  shadowQueueSize: {
    group: 'limits',
    description:
      'shadow copies waiting for the upstream at most; beyond it a copy is dropped (counted), never the answer delayed',
  },
  adminApi: {
    group: 'server',
    description:
      '`auto`: the control plane `/_emulator/` is served when `ADMIN_TOKEN` is set or the server listens on a loopback address; `off`: never, even with a token, and no journal, fault checks, clock offset or usage counts (sessions are still followed for the metrics). Behind a reverse proxy on the same host every client looks local (the emulator listens on loopback): choose `off` there, or set `ADMIN_TOKEN`',
  },
  adminToken: {
    group: 'server',
    value: '<secret>',
    defaultText: 'none',
    description:
      'turns the admin API `/_emulator/` on for any listening address (unless `ADMIN_API=off`); every admin call then needs `Authorization: Bearer <token>` (without it the API answers only on a loopback address)',
  },
  journalSize: {
    group: 'server',
    description: 'calls kept in the request journal of `/_emulator/requests` (0: no journal)',
  },
};

export class ConfigError extends Error {}

/** Where a setting came from, for messages that point at the right place. */
export type ConfigSource = 'default' | 'file' | 'environment' | 'flag';

export interface ConfigLayers {
  /** Command-line flags, already mapped to setting names. */
  readonly flags?: Partial<ConfigInput>;
  readonly env?: NodeJS.ProcessEnv;
  /** A JSON file of settings by name (`{"port": 8080, "store": "redis"}`); `CONFIG_FILE` names one too. */
  readonly file?: string;
}

/**
 * Resolves the configuration from its layers, highest first: flags, environment, config file,
 * defaults. Validated once; a bad value stops the start with its source, the value and what is
 * allowed.
 */
export function loadConfig(layers: ConfigLayers = {}): Config {
  const env = layers.env ?? {};
  const file = layers.file ?? (env.CONFIG_FILE || undefined);
  const sources = new Map<string, ConfigSource>();
  const input: Record<string, unknown> = {};
  const apply = (values: Record<string, unknown>, source: ConfigSource) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue;
      input[key] = value;
      sources.set(key, source);
    }
  };
  if (file) apply(relativeToFile(readConfigFile(file), file), 'file');
  apply(configFromEnvironment(env), 'environment');
  apply(layers.flags ?? {}, 'flag');
  return validate(input, (key) => describeSetting(key, sources.get(key) ?? 'default', file));
}

/** Validates settings given directly (library use). */
export function resolveConfig(input: Partial<ConfigInput> = {}): Config {
  return validate(input as Record<string, unknown>, (key) => key);
}

function validate(input: Record<string, unknown>, describe: (key: string) => string): Config {
  const result = ConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    // Inside a structured setting (services), name the element and show only its value.
    const inner = issue.path.slice(1);
    let value: unknown = input[key];
    for (const step of inner)
      value = (value as Record<PropertyKey, unknown> | undefined)?.[step as PropertyKey];
    const where = inner.map((step) => (typeof step === 'number' ? `[${step}]` : `.${String(step)}`)).join('');
    return `${describe(key)}${where}=${JSON.stringify(value)}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

function describeSetting(key: string, source: ConfigSource, file: string | undefined): string {
  const variable = ENVIRONMENT_VARIABLES[key as keyof Config] ?? key;
  if (source === 'flag') return `${flagOf(key)} (command line)`;
  if (source === 'file') return `"${key}" (config file ${file})`;
  return variable;
}

/** File names inside a config file's `services` entries and `seedTickets` are relative to the file. */
function relativeToFile(values: Record<string, unknown>, file: string): Record<string, unknown> {
  const base = path.dirname(path.resolve(file));
  const resolve = (name: unknown) => (typeof name === 'string' ? path.resolve(base, name) : name);
  const result = { ...values };
  if (Array.isArray(values.services)) {
    result.services = values.services.map((entry: unknown) => {
      if (!entry || typeof entry !== 'object') return entry;
      const copy: Record<string, unknown> = { ...(entry as Record<string, unknown>) };
      for (const key of ['wsdl', 'stubs', 'handlers']) if (key in copy) copy[key] = resolve(copy[key]);
      return copy;
    });
  }
  if (typeof values.seedTickets === 'string' && values.seedTickets !== '') {
    result.seedTickets = resolve(values.seedTickets);
  }
  return result;
}

function readConfigFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`invalid configuration: config file ${file}: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`invalid configuration: config file ${file} must hold a JSON object of settings`);
  }
  const known = Object.keys(ConfigSchema.shape);
  const unknown = Object.keys(parsed).filter((key) => !known.includes(key));
  if (unknown.length) {
    throw new ConfigError(
      `invalid configuration: config file ${file} has unknown setting(s) ${unknown.map((k) => `"${k}"`).join(', ')}; known: ${known.join(', ')}`,
    );
  }
  return parsed as Record<string, unknown>;
}

export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): Partial<ConfigInput> {
  const input: Record<string, string> = {};
  for (const [key, variable] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value = env[variable];
    if (value !== undefined && value !== '') input[key] = value;
  }
  return input as Partial<ConfigInput>;
}
