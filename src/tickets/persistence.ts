import type { MemoryTicketStore } from './MemoryTicketStore';
import { readRevocations, RevocationLog, type LogIo } from './revocationLog';
import {
  collectSnapshot,
  loadSnapshot,
  removeStaleTemporaries,
  writeCollectedSnapshot,
  type Warn,
} from './snapshot';

export interface PersistenceOptions {
  /** SNAPSHOT_FILE. */
  readonly file: string;
  /** SNAPSHOT_INTERVAL_MS. */
  readonly intervalMs: number;
  /** REVOCATION_LOG: make each LogOut durable before it is acknowledged. */
  readonly revocationLog: boolean;
  readonly warn: Warn;
  /** The revocation log's file operations (tests inject failures). */
  readonly io?: LogIo;
}

export interface PersistedMemoryStore {
  readonly store: MemoryTicketStore;
  /** Writes a snapshot now (after any under way); resolves once it is durable, or failed with a warning. */
  save(): Promise<void>;
  /** Stops the timer, writes the last snapshot, closes the revocation log. */
  close(): Promise<void>;
}

/**
 * The memory store backed by SNAPSHOT_FILE and its revocation log. At start: stale temporaries
 * removed, the snapshot loaded, then every revocation logged since it replayed over it (a ticket
 * revoked after the snapshot was taken stays dead). Then a snapshot every `intervalMs` and at
 * close, each rotating the log at the instant it takes its view and deleting the older segments
 * once it is durable.
 */
export function persistMemoryStore(
  store: MemoryTicketStore,
  options: PersistenceOptions,
): PersistedMemoryStore {
  const { file, warn } = options;
  removeStaleTemporaries(file, warn);
  loadSnapshot(file, store, warn);
  // Replayed even with the log turned off: a log of an earlier run holds LogOuts it acknowledged.
  const replayed = readRevocations(file, warn);
  if (replayed.unreadableSegment) {
    // Some LogOuts since the snapshot are unknown: trusting the snapshot could bring them back.
    warn(`revocation log ${replayed.unreadableSegment}; starting with no tickets`);
    store.clear();
  } else {
    store.forget(replayed.tickets);
  }
  const log = new RevocationLog(file, {
    existing: replayed.segments,
    ...(options.io ? { io: options.io } : {}),
  });
  if (options.revocationLog) store.useRevocationLog(log);

  // One instant: the snapshot's view, the log's rotation and the failed records it covers.
  // Every revocation before it is missing from this snapshot; every one after goes to the new
  // segment, which this snapshot's completion leaves in place.
  const write = (): Promise<void> => {
    const collected = collectSnapshot(store);
    const sealed = log.rotate();
    const covered = store.coverUnrecorded();
    return writeCollectedSnapshot(file, collected).then(
      async () => {
        covered();
        // Left behind, an old log file is only replayed again (harmlessly) at the next start.
        await log
          .dropThrough(sealed)
          .catch((error: Error) => warn(`old revocation log not deleted: ${error.message}`));
      },
      (error: Error) => warn(`ticket snapshot not written: ${error.message}`),
    );
  };
  // A save while one is written waits for it and then takes its own view; saves asked for
  // meanwhile share that one (a slow disk never queues up views of the store).
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const save = (): Promise<void> => {
    if (!running) {
      running = write().finally(() => (running = undefined));
      return running;
    }
    return (queued ??= running.then(() => {
      queued = undefined;
      return save();
    }));
  };
  const timer = setInterval(save, options.intervalMs);
  timer.unref();
  return {
    store,
    save,
    close: async () => {
      clearInterval(timer);
      await save();
      await log.close();
      await store.close();
    },
  };
}
