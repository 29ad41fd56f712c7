import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from './clock';
import {
  ConfigError,
  ConfigSchema,
  flagOf,
  loadConfig,
  PACKAGE_ROOT,
  type Config,
  type ConfigInput,
} from './config';
import { createEmulator } from './emulator';
import { createLogger, flushLogs } from './observability/logger';
import { startServer } from './server';
import { renderHelpSettings } from './settingsDocs';
import { createTicketStore } from './tickets/createTicketStore';
import type { TicketStore } from './tickets/TicketStore';
import { UserDirectory } from './users/userDirectory';
import { recordCommand } from './record/recordCommand';
import { verifyCommand } from './verify/verifyCommand';
import { reportCommand } from './usage/reportCommand';

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const USAGE = `Usage: asmx-emulator [serve] [options]
       asmx-emulator tickets issue --user <name> [options]
       asmx-emulator tickets revoke <ticket> [options]
       asmx-emulator record --upstream <url> --out <folder> [options]
       asmx-emulator verify --upstream <url> [--target <url>] [--cases <folder>] [--report <folder>]
       asmx-emulator report --url <http://host:port> [--token <admin token>] [--json]

Serves ASMX services (the srv.asmx session service by default; any WSDL with the services setting)
over SOAP 1.1, SOAP 1.2, HTTP GET and form POST until SIGTERM/SIGINT.

Options:
  --config <file>     JSON config file of settings by name (CONFIG_FILE)
  --user <name>       the user of tickets issue, and of verify's sign-ins (ASMX_VERIFY_USER)
  --upstream <url>    record: the legacy service to record (http://legacy/srv.asmx)
  --out <folder>      record: where the recording is written (WSDL, config.json, exchanges/, stubs/)
  --upstream <url>    verify: the legacy service the target must answer like
  --target <url>      verify: the service checked (default: an emulator started from --cases)
  --cases <folder>    verify: a recording whose requests are replayed (default: generated from the WSDL)
  --report <folder>   verify: where junit.xml and report.html are written
  --password <text>   verify: the password of --user for sign-ins (ASMX_VERIFY_PASSWORD; never stored)
  --url <url>         report: the running emulator whose switch-over report (/_emulator/usage) is printed
  --token <text>      report: its ADMIN_TOKEN (default: the ADMIN_TOKEN setting)
  --json              report: the JSON as the emulator answers it, not text tables
  --users <file>      the same as --users-file
  -h, --help          this text
  -v, --version       the version

Admin commands act on the configured store: Redis, or the memory store's SNAPSHOT_FILE
(edit that file only while the service is stopped).

Settings: a flag over its environment variable, over the config file ("ticketTtlDays"), over the
default. Lists are comma-separated. Every setting is checked at start; a bad one exits with code 2.`;

/** The text of --help: usage, then every setting of the schema with its flag, variable and default. */
export function helpText(): string {
  return `${USAGE}\n${renderHelpSettings()}`;
}

/** Every setting is a string flag named after it (`--ticket-ttl-days`); the schema converts and checks. */
const SETTING_FLAGS = Object.fromEntries(
  Object.keys(ConfigSchema.shape).map((key) => [flagOf(key).slice(2), { type: 'string' as const }]),
);

const OPTIONS = {
  ...SETTING_FLAGS,
  users: { type: 'string' },
  config: { type: 'string' },
  user: { type: 'string' },
  upstream: { type: 'string' },
  out: { type: 'string' },
  target: { type: 'string' },
  cases: { type: 'string' },
  report: { type: 'string' },
  password: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

function version(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
    .version;
}

function print(io: CliIo, text: string): number {
  io.out(text);
  return 0;
}

/** Runs the command line; resolves with the exit code (serve resolves once the server stops). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`${(error as Error).message}\nRun asmx-emulator --help for the options.`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) return print(io, helpText());
  if (values.version) return print(io, version());

  const given: Record<string, unknown> = {};
  if (values.users !== undefined) given.usersFile = values.users;
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = (values as Record<string, unknown>)[flagOf(key).slice(2)];
    if (value !== undefined) given[key] = value;
  }
  const flags = given as Partial<ConfigInput>;
  let config: Config;
  try {
    config = loadConfig({ flags, env: io.env, ...(values.config ? { file: values.config } : {}) });
  } catch (error) {
    io.err(error instanceof ConfigError ? error.message : String(error));
    return 2;
  }

  const [command = 'serve', sub, argument] = positionals;
  if (command === 'serve' && positionals.length <= 1) return serve(config, io);
  if (command === 'record' && positionals.length === 1)
    return recordCommand(config, values.upstream, values.out, io);
  if (command === 'verify' && positionals.length === 1) return verifyCommand(config, values, io);
  if (command === 'report' && positionals.length === 1) return reportCommand(values, config.adminToken, io);
  if (command === 'tickets' && sub === 'issue') return issueTicket(config, values.user, io);
  if (command === 'tickets' && sub === 'revoke') return revokeTicket(config, argument, io);
  io.err(`unknown command: ${positionals.join(' ')}\nRun asmx-emulator --help for the commands.`);
  return 2;
}

async function serve(config: Config, io: CliIo): Promise<number> {
  let emulator;
  let running;
  try {
    emulator = createEmulator({ config });
    running = await startServer(emulator, config.port, config.host);
  } catch (error) {
    io.err(`asmx-emulator failed to start: ${(error as Error).message}`);
    await emulator?.close().catch(() => undefined);
    return 1;
  }
  // The Redis URL may carry a password: show only where it points.
  const where = config.store === 'redis' ? ` at ${new URL(config.redisUrl).host}` : '';
  const paths = emulator
    .services()
    .map((service) => service.path)
    .reverse();
  emulator.logger.info(
    `asmx-emulator serving ${running.origin}${paths.join(`, ${running.origin}`)} (ticket store: ${config.store}${where})`,
  );
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      emulator.logger.info(`${signal}: finishing requests in flight, then stopping`);
      running
        .close()
        .then(
          () => 0,
          (error: unknown) => {
            emulator.logger.error(`stop failed: ${(error as Error).message}`);
            return 1;
          },
        )
        .then(async (code) => {
          await flushLogs(emulator.logger);
          resolve(code);
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** Waits until the store answers (Redis connects in the background), up to `timeoutMs`. */
async function reachable(store: { ping(): Promise<void> }, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await store.ping();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Runs an admin command on the configured store: one that outlives the command (Redis, or the
 * memory store's snapshot file), reachable, and closed (snapshot written) afterwards.
 */
async function withAdminStore(
  config: Config,
  io: CliIo,
  failure: string,
  action: (store: TicketStore) => Promise<number>,
): Promise<number> {
  if (config.store === 'memory' && !config.snapshotFile) {
    return fail(
      io,
      'tickets commands need a store that outlives the command: set STORE=redis, or SNAPSHOT_FILE for the memory store',
      2,
    );
  }
  const logger = createLogger('warn');
  const configured = createTicketStore(config, systemClock, (message) => logger.warn(message));
  try {
    await reachable(configured.store, 5000);
    return await action(configured.store);
  } catch (error) {
    return fail(io, `${failure}: ${(error as Error).message}`, 1);
  } finally {
    await configured.close();
  }
}

function fail(io: CliIo, message: string, code: number): number {
  io.err(message);
  return code;
}

function issueTicket(config: Config, username: string | undefined, io: CliIo): Promise<number> | number {
  if (!username) return fail(io, 'tickets issue needs --user <name>', 2);
  const user = UserDirectory.fromFile(config.usersFile).find(username);
  if (!user || user.disabled)
    return fail(io, `no enabled user ${JSON.stringify(username)} in ${config.usersFile}`, 1);
  return withAdminStore(config, io, 'ticket not issued', async (store) => {
    io.out((await store.issue(UserDirectory.key(user.username))).ticket);
    return 0;
  });
}

function revokeTicket(config: Config, ticket: string | undefined, io: CliIo): Promise<number> | number {
  if (!ticket) return fail(io, 'tickets revoke needs the ticket: asmx-emulator tickets revoke <ticket>', 2);
  return withAdminStore(config, io, 'ticket not revoked', async (store) => {
    const userKey = await store.revoke(ticket);
    if (userKey === undefined) return fail(io, 'no such live ticket', 1);
    io.out(`revoked a ticket of ${userKey}`);
    return 0;
  });
}
