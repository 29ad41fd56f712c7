import { ticketTtlMs, type Clock } from '../clock';
import type { Config } from '../config';
import { MemoryTicketStore } from './MemoryTicketStore';
import type { RedisTicketStore as RedisTicketStoreType } from './RedisTicketStore';
import { persistMemoryStore } from './persistence';
import type { Warn } from './snapshot';
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
  onEvict?: (ticket: string) => void,
): ConfiguredStore {
  const ttlMs = ticketTtlMs(config.ticketTtlDays);
  if (config.store === 'redis') {
    // Loaded only when chosen: ioredis costs ~50 ms of start-up the memory store does not need.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RedisTicketStore } = require('./RedisTicketStore') as {
      RedisTicketStore: typeof RedisTicketStoreType;
    };
    const store = new RedisTicketStore({
      url: config.redisUrl,
      sentinels: config.redisSentinels,
      sentinelName: config.redisSentinelName,
      clusterNodes: config.redisClusterNodes,
      keyPrefix: config.redisKeyPrefix,
      ttlMs,
      commandTimeoutMs: config.redisCommandTimeoutMs,
      waitReplicas: config.redisWaitReplicas,
      waitTimeoutMs: config.redisWaitTimeoutMs,
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

  // The snapshot, and the revocation log that makes each LogOut durable before it is answered.
  const persisted = persistMemoryStore(store, {
    file,
    intervalMs: config.snapshotIntervalMs,
    revocationLog: config.revocationLog,
    warn,
  });
  return { store, close: persisted.close };
}
