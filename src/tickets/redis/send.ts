import { Command, ReplyError, type Cluster, type Redis } from 'ioredis';
import { StoreOutcomeUnknownError, StoreUnavailableError } from '../TicketStore';

export type RedisClient = Redis | Cluster;

/**
 * Replies with which Redis refuses to run a command for now: nothing was changed, and the same
 * command may succeed in a moment (a failover, a resharding, a replica, a loading or busy server,
 * `min-replicas-to-write` not met). Any other error reply (WRONGTYPE, OOM, ERR …) is a fault of
 * its own, not an outage.
 */
const REFUSED_FOR_NOW = new Set([
  'CLUSTERDOWN',
  'TRYAGAIN',
  'MOVED',
  'ASK',
  'LOADING',
  'READONLY',
  'MASTERDOWN',
  'NOREPLICAS',
  'BUSY',
]);

/** Written instead of a command the caller was told was never sent (see {@link sendCommand}). */
const HARMLESS = '*1\r\n$4\r\nPING\r\n';

/** Whether a command changes Redis: only then can "sent, no answer" be told from "not sent". */
export type Effect = 'read' | 'write';

export interface Sent<T> {
  readonly value: T;
  /** The connection that carried the command (a WAIT for it must go on the same one). */
  readonly socket: object;
}

/** The first word of a Redis error reply, e.g. `WRONGTYPE`; undefined for an error of the client. */
export function replyCode(error: unknown): string | undefined {
  return error instanceof (ReplyError as new () => Error) ? /^[A-Z]+/.exec(error.message)?.[0] : undefined;
}

/**
 * Sends one command and, when it fails, tells the three cases apart:
 *
 * - it never reached Redis (disconnected: ioredis rejects at once without the offline queue):
 *   {@link StoreUnavailableError}, nothing was changed;
 * - it was written to the connection and no answer came (the command timeout, or the connection
 *   dropped with it in flight): a write may have been applied, {@link StoreOutcomeUnknownError};
 *   a read changed nothing, {@link StoreUnavailableError};
 * - Redis answered with an error: a refusal for now ({@link REFUSED_FOR_NOW}) is
 *   {@link StoreUnavailableError}; any other is an internal error (a plain Error).
 *
 * "Written" is observed, not guessed: ioredis serializes a command (`toWritable`) exactly when it
 * writes it to a socket, whatever the topology. A redirection answered by a cluster node (MOVED,
 * ASK, TRYAGAIN, CLUSTERDOWN) was not applied, so it resets the mark until ioredis writes the
 * command again elsewhere. And a command the caller was told was never sent can never run later:
 * should ioredis still hold it in a queue (a cluster node's connection that was still opening;
 * ioredis issue #2130) and write it, a PING is written in its place.
 */
export async function sendCommand<T>(
  client: RedisClient,
  name: string,
  args: readonly (string | number)[],
  effect: Effect,
): Promise<Sent<T>> {
  const command = new Command(name, [...args], { replyEncoding: 'utf8' });
  let socket: object | undefined;
  let abandoned = false;
  const serialize = command.toWritable.bind(command);
  command.toWritable = (target: object) => {
    if (abandoned) return HARMLESS;
    socket = target;
    return serialize(target);
  };
  const promise = client.sendCommand(command) as Promise<T>;
  // Cluster wraps `reject` to follow redirections while sending; wrap its wrapper, so an answer
  // from a node is seen before the cluster writes the command again.
  const reject = command.reject;
  command.reject = (error: Error) => {
    const code = replyCode(error);
    if (code !== undefined && REFUSED_FOR_NOW.has(code)) socket = undefined;
    reject(error);
  };
  try {
    return { value: await promise, socket: socket as object };
  } catch (error) {
    const code = replyCode(error);
    if (code !== undefined && !REFUSED_FOR_NOW.has(code)) {
      throw new Error(`Redis refused ${name}: ${(error as Error).message}`, { cause: error });
    }
    if (code !== undefined || socket === undefined) {
      abandoned = true;
      throw new StoreUnavailableError(`ticket store unreachable: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (effect === 'read') {
      throw new StoreUnavailableError(`ticket store did not answer: ${(error as Error).message}`, {
        cause: error,
      });
    }
    throw new StoreOutcomeUnknownError(
      `ticket store did not answer ${name} in time: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Runs a read through ioredis's own API (scripts, SCAN), with {@link sendCommand}'s mapping of failures. */
export async function read<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = replyCode(error);
    if (code !== undefined && !REFUSED_FOR_NOW.has(code)) {
      throw new Error(`Redis refused a read: ${(error as Error).message}`, { cause: error });
    }
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`ticket store unreachable: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
