import { DAY_MS, type Clock } from '../clock';
import type { Config } from '../config';
import { MemoryTicketStore } from './MemoryTicketStore';
import type { RedisTicketStore as RedisTicketStoreType } from './RedisTicketStore';
import { loadSnapshot, writeSnapshot, type Warn } from './snapshot';
import type { TicketStore } from './TicketStore';

export interface ConfiguredStore {
  readonly store: TicketStore;
  /** Writes the last snapshot (memory store with a snapshot file) and releases the store. */
  close(): Promise<void>;
}

/** Chooses the ticket store once, at start, from the configuration. */
export function createTicketStore(
  config: Config,
  clock: Clock,
  warn: Warn,
  onEvict?: () => void,
): ConfiguredStore {
  // Whole milliseconds: lru-cache and Redis's PX take integers, and a fractional day count
  // (TICKET_TTL_DAYS=0.3333) must work on both.
  const ttlMs = Math.max(1, Math.round(config.ticketTtlDays * DAY_MS));
  if (config.store === 'redis') {
    // Loaded only when chosen: ioredis costs ~50 ms of start-up the memory store does not need.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RedisTicketStore } = require('./RedisTicketStore') as {
      RedisTicketStore: typeof RedisTicketStoreType;
    };
    const store = new RedisTicketStore({
      url: config.redisUrl,
      keyPrefix: config.redisKeyPrefix,
      ttlMs,
      commandTimeoutMs: config.redisCommandTimeoutMs,
      clock,
    });
    return { store, close: () => store.close() };
  }
  const store = new MemoryTicketStore({
    ttlMs,
    maxTickets: config.maxTickets,
    clock,
    ...(onEvict ? { onEvict } : {}),
  });
  const file = config.snapshotFile;
  if (!file) return { store, close: () => store.close() };

  loadSnapshot(file, store, warn);
  let writing: Promise<unknown> = Promise.resolve();
  const save = () => {
    writing = writing
      .then(() => writeSnapshot(file, store))
      .catch((error: Error) => warn(`ticket snapshot not written: ${error.message}`));
    return writing;
  };
  const timer = setInterval(save, config.snapshotIntervalMs);
  timer.unref();
  return {
    store,
    close: async () => {
      clearInterval(timer);
      await save();
      await store.close();
    },
  };
}
