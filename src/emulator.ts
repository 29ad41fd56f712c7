import { systemClock, type Clock } from './clock';
import { resolveConfig, type Config, type ConfigInput } from './config';
import { createAsmxHandler, type RequestListener } from './http/asmxHandler';
import { operationHandlers } from './operations';
import type { OperationContext } from './operations/types';
import { SignOut } from './signout/signout';
import { createTicketStore } from './tickets/createTicketStore';
import type { TicketStore } from './tickets/TicketStore';
import { UserDirectory } from './users/userDirectory';
import {
  assertEveryOperationHandled,
  loadServiceDescription,
  type ServiceDescription,
} from './wsdl/serviceDescription';

export interface EmulatorOptions {
  readonly config?: Partial<ConfigInput>;
  /** Inject a clock to move time in tests. */
  readonly clock?: Clock;
  /** Inject a store; by default the one `config` selects (memory or Redis). */
  readonly store?: TicketStore;
  /** Where warnings go (a corrupt snapshot, say); console.warn by default. */
  readonly warn?: (message: string) => void;
}

export interface Emulator {
  readonly config: Config;
  readonly service: ServiceDescription;
  readonly store: TicketStore;
  readonly context: OperationContext;
  readonly signOut: SignOut;
  /** The node:http listener for `/srv.asmx` and everything below it. */
  readonly handleServiceRequest: RequestListener;
  close(): Promise<void>;
}

/** Composes the emulator: WSDL, users, store and transports. Throws when an operation has no handler. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const config = resolveConfig(options.config);
  const clock = options.clock ?? systemClock;
  const service = loadServiceDescription(config.wsdlFile);
  assertEveryOperationHandled(service, operationHandlers);
  const configured = options.store
    ? { store: options.store, close: () => options.store?.close() ?? Promise.resolve() }
    : createTicketStore(config, clock, (message) => (options.warn ?? console.warn)(message));
  const store = configured.store;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const signOut = new SignOut(config, clock, warn);
  const context: OperationContext = {
    store,
    onLogout: ({ ticket, userKey }) => signOut.webhooks.notify({ ticket, userKey, reason: 'logout' }),
    users: UserDirectory.fromFile(config.usersFile),
    clock,
    trustedPassword: config.trustedPassword,
  };
  const handleServiceRequest = createAsmxHandler({
    signOut,
    service,
    handlers: operationHandlers,
    context,
    trustProxy: config.trustProxy,
    maxBodyBytes: config.maxBodyBytes,
  });
  return {
    config,
    service,
    store,
    context,
    signOut,
    handleServiceRequest,
    close: async () => {
      await signOut.webhooks.drain();
      await configured.close();
    },
  };
}
