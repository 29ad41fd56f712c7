import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Where the package's own files (wsdl/, fixtures/) live, whether run from src/ or dist/. */
export const PACKAGE_ROOT = path.resolve(__dirname, '..');

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** A comma-separated list (environment) or an array (library use). */
const list = z
  .union([z.array(z.string()), z.string()])
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean),
  )
  .default([]);

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
  })
  .strict();

export type ServiceEntry = z.output<typeof ServiceEntrySchema>;

/** Every setting, its environment variable, default and allowed values. The README's table mirrors this. */
export const ConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  ticketTtlDays: z.coerce.number().positive().max(3650).default(30),
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
  redisUrl: z.string().url().default('redis://127.0.0.1:6379'),
  redisKeyPrefix: z.string().max(100).default('asmx:'),
  redisCommandTimeoutMs: z.coerce.number().int().min(10).max(60_000).default(1000),
  snapshotFile: z.string().default(''),
  snapshotIntervalMs: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  cookiePath: z.string().startsWith('/').default('/'),
  cookieDomain: z.string().default(''),
  clearCookies: list,
  logoutLandingUrl: z.string().min(1).default('/'),
  logoutErrorUrl: z.string().default(''),
  redirectAllowedHosts: list,
  csrfGuard: z.union([z.boolean(), flag]).default(false),
  csrfSecret: z.string().default(''),
  csrfAllowedOrigins: list,
  logoutWebhooks: list.pipe(z.array(z.string().url())),
  webhookSecret: z.string().default(''),
  webhookMaxAttempts: z.coerce.number().int().min(1).max(20).default(4),
  webhookTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(3000),
  webhookRetryBaseMs: z.coerce.number().int().min(1).max(60_000).default(500),
  externalLoginUrl: z.string().default(''),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  shutdownTimeoutMs: z.coerce.number().int().min(0).max(600_000).default(10_000),
  maxHeaderBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(16 * 1024),
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
});

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** Environment variable of each setting. */
export const ENVIRONMENT_VARIABLES: Record<keyof Config, string> = {
  port: 'PORT',
  host: 'HOST',
  ticketTtlDays: 'TICKET_TTL_DAYS',
  maxTickets: 'MAX_TICKETS',
  trustedPassword: 'TRUSTED_PASSWORD',
  usersFile: 'USERS_FILE',
  wsdlFile: 'WSDL_FILE',
  trustProxy: 'TRUST_PROXY',
  maxBodyBytes: 'MAX_BODY_BYTES',
  store: 'STORE',
  redisUrl: 'REDIS_URL',
  redisKeyPrefix: 'REDIS_KEY_PREFIX',
  redisCommandTimeoutMs: 'REDIS_COMMAND_TIMEOUT_MS',
  snapshotFile: 'SNAPSHOT_FILE',
  snapshotIntervalMs: 'SNAPSHOT_INTERVAL_MS',
  cookiePath: 'COOKIE_PATH',
  cookieDomain: 'COOKIE_DOMAIN',
  clearCookies: 'CLEAR_COOKIES',
  logoutLandingUrl: 'LOGOUT_LANDING_URL',
  logoutErrorUrl: 'LOGOUT_ERROR_URL',
  redirectAllowedHosts: 'REDIRECT_ALLOWED_HOSTS',
  csrfGuard: 'CSRF_GUARD',
  csrfSecret: 'CSRF_SECRET',
  csrfAllowedOrigins: 'CSRF_ALLOWED_ORIGINS',
  logoutWebhooks: 'LOGOUT_WEBHOOKS',
  webhookSecret: 'WEBHOOK_SECRET',
  webhookMaxAttempts: 'WEBHOOK_MAX_ATTEMPTS',
  webhookTimeoutMs: 'WEBHOOK_TIMEOUT_MS',
  webhookRetryBaseMs: 'WEBHOOK_RETRY_BASE_MS',
  externalLoginUrl: 'EXTERNAL_LOGIN_URL',
  logLevel: 'LOG_LEVEL',
  shutdownTimeoutMs: 'SHUTDOWN_TIMEOUT_MS',
  maxHeaderBytes: 'MAX_HEADER_BYTES',
  headersTimeoutMs: 'HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'REQUEST_TIMEOUT_MS',
  keepAliveTimeoutMs: 'KEEP_ALIVE_TIMEOUT_MS',
  services: 'SERVICES',
  seedTickets: 'SEED_TICKETS',
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
  if (source === 'flag') return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} (command line)`;
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
