import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config, ServiceEntry } from '../config';
import type { ServiceModel } from '../contract/model';
import { loadWsdl } from '../contract/readWsdl';
import type { OperationContext } from '../operations/types';
import type { TicketStore } from '../tickets/TicketStore';
import { UserDirectory } from '../users/userDirectory';
import type { HandlerModule } from './handlerApi';
import { loadHandlerModule } from './handlerModule';
import { buildServiceRuntime, type ServiceRuntime } from './serviceRuntime';
import { sessionAnswerers } from './sessionService';
import { loadStubFolder } from './stubs/stubFile';
import type { Forwarding } from '../upstream/forwarding';

export const DEFAULT_SERVICE_PATH = '/srv.asmx';

/**
 * The services to serve: every entry of the `services` setting, plus the default `/srv.asmx`
 * (the WSDL_FILE, the session service) unless an entry takes that path. The built-in session
 * operations answer the operations of theirs that any service's WSDL declares.
 */
export function serviceEntries(config: Config): ServiceEntry[] {
  const entries = [...config.services];
  if (!entries.some((e) => e.path.toLowerCase() === DEFAULT_SERVICE_PATH)) {
    entries.unshift({ path: DEFAULT_SERVICE_PATH, wsdl: config.wsdlFile });
  }
  // UPSTREAM_URL is the upstream of the service at /srv.asmx, unless its entry names its own.
  if (config.upstreamUrl) {
    const at = entries.findIndex((e) => e.path.toLowerCase() === DEFAULT_SERVICE_PATH && !e.upstream);
    const entry = entries[at];
    if (entry) {
      entries[at] = {
        ...entry,
        upstream: config.upstreamUrl,
        ...(config.upstreamTrustedPassword
          ? { upstreamTrustedPassword: config.upstreamTrustedPassword }
          : {}),
      };
    }
  }
  // The longest path first, so a service below another one's folder is matched before it.
  return entries.sort((a, b) => b.path.length - a.path.length);
}

/** Each service's model, read once from its WSDL (refused at start when it cannot be served). */
export function readServiceModels(entries: readonly ServiceEntry[]): Map<string, ServiceModel> {
  return new Map(entries.map((entry) => [entry.path, loadWsdl(entry.wsdl)]));
}

/** Loads the handler modules of the entries that name one (ES modules load asynchronously). */
export async function loadHandlerModules(
  entries: readonly ServiceEntry[],
  models: ReadonlyMap<string, ServiceModel>,
): Promise<Map<string, HandlerModule>> {
  const modules = new Map<string, HandlerModule>();
  for (const entry of entries) {
    const model = models.get(entry.path);
    if (entry.handlers && model) modules.set(entry.path, await loadHandlerModule(entry.handlers, model));
  }
  return modules;
}

/** Composes each service from its model, built-ins, handler module and stubs; warns what it cannot answer. */
export function buildServices(
  entries: readonly ServiceEntry[],
  models: ReadonlyMap<string, ServiceModel>,
  handlerModules: ReadonlyMap<string, HandlerModule>,
  context: OperationContext,
  warn: (message: string) => void,
  forwardings: ReadonlyMap<string, Forwarding> = new Map(),
): ServiceRuntime[] {
  const builtIns = sessionAnswerers(context);
  return entries.map((entry) => {
    const model = models.get(entry.path) ?? loadWsdl(entry.wsdl);
    const handlers = handlerModules.get(entry.path);
    const forwarding = forwardings.get(entry.path);
    const runtime = buildServiceRuntime({
      path: entry.path,
      model,
      builtIns,
      ...(handlers ? { handlers } : {}),
      ...(entry.stubs ? { stubs: loadStubFolder(entry.stubs, model) } : {}),
      ...(forwarding ? { forward: forwarding.forward } : {}),
    });
    for (const note of runtime.notes) warn(`${entry.path}: ${note}`);
    if (runtime.notImplemented.length > 0) {
      warn(
        `${entry.path}: ${runtime.notImplemented.length} operation(s) have no built-in handler, handler module ` +
          `function or stub and answer System.NotImplementedException: ${runtime.notImplemented.join(', ')}`,
      );
    }
    return runtime;
  });
}

/** A ticket as ASMX issues them: a GUID (any case here; tickets are compared as given). */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SeedFileSchema = z.array(
  z
    .object({
      ticket: z
        .string()
        .regex(GUID, { message: 'must be a GUID, e.g. "3f2504e0-4f89-41d3-9a0c-0305e82c3301"' }),
      user: z.string().min(1),
    })
    .strict(),
);

/** SEED_TICKETS: known live tickets for test suites, `[{"ticket": "<guid>", "user": "<user name>"}]`. */
export async function seedTickets(file: string, store: TicketStore, users: UserDirectory): Promise<number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`SEED_TICKETS ${path.basename(file)}: ${(error as Error).message}`);
  }
  const result = SeedFileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(
      `SEED_TICKETS ${file}: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'} ` +
        '(expected [{"ticket": "<guid>", "user": "<user name>"}])',
    );
  }
  for (const [index, seed] of result.data.entries()) {
    const user = users.find(seed.user);
    if (!user)
      throw new Error(
        `SEED_TICKETS ${file}: [${index}].user ${JSON.stringify(seed.user)} is not in the users file`,
      );
    await store.adopt(seed.ticket, UserDirectory.key(user.username));
  }
  return result.data.length;
}
