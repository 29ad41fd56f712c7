import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisClient } from './send';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Where the tickets live: one server (REDIS_URL), a master found through Sentinel, or a Cluster. */
export type RedisTopology =
  | { readonly kind: 'server'; readonly url: string }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly HostPort[];
      readonly name: string;
      /** User name, password, TLS and database of the data nodes; host and port are not used. */
      readonly url: string;
    }
  | { readonly kind: 'cluster'; readonly nodes: readonly HostPort[]; readonly url: string };

/** Back off to one attempt a second, forever. */
const backOff = (attempt: number) => Math.min(attempt * 100, 1000);

/**
 * The options every connection to a data node shares. Nothing is ever queued while
 * disconnected and nothing is sent again on its own: a command is written once or fails, so the
 * store can tell "not sent" from "sent, no answer" (see send.ts).
 */
function connectionOptions(commandTimeoutMs: number): RedisOptions {
  return {
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(commandTimeoutMs, 1000),
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // A connection that does not close within this long after it is ended is destroyed.
    disconnectTimeout: 500,
    retryStrategy: backOff,
    lazyConnect: false,
  };
}

/** The credentials, TLS and database of a `redis://` / `rediss://` URL, for Sentinel and Cluster nodes. */
function fromUrl(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls' | 'db'> {
  const parsed = new URL(url);
  const options: Pick<RedisOptions, 'username' | 'password' | 'tls' | 'db'> = {};
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') options.tls = {};
  const db = Number(parsed.pathname.slice(1));
  if (Number.isInteger(db) && db > 0) options.db = db;
  return options;
}

/** Opens the client of a topology; ioredis reconnects by itself, and follows failovers. */
export function connectRedis(topology: RedisTopology, commandTimeoutMs: number): RedisClient {
  const connection = connectionOptions(commandTimeoutMs);
  let client: RedisClient;
  if (topology.kind === 'server') {
    client = new Redis(topology.url, connection);
  } else if (topology.kind === 'sentinel') {
    client = new Redis({
      ...connection,
      ...fromUrl(topology.url),
      sentinels: topology.sentinels.map(({ host, port }) => ({ host, port })),
      name: topology.name,
      role: 'master',
      sentinelRetryStrategy: backOff,
      sentinelCommandTimeout: commandTimeoutMs,
      // Listen to the sentinels' +switch-master: leave a demoted master at once, even when it is
      // still reachable (a partition), instead of writing to it until it refuses.
      failoverDetector: true,
      // A master turned replica answers READONLY: reconnect (through the sentinels) and fail
      // this one command, never send it again.
      reconnectOnError: (error) => (/^READONLY/.test(error.message) ? 1 : false),
    });
  } else {
    // A cluster has database 0 only.
    const credentials = fromUrl(topology.url);
    delete credentials.db;
    const options: ClusterOptions = {
      enableOfflineQueue: false,
      // The cluster is ready once it has the slots; a node that is not up answers its commands
      // with a refusal (CLUSTERDOWN, a closed connection), which the store reports as such.
      enableReadyCheck: false,
      scaleReads: 'master',
      // Follow MOVED/ASK (the node refused, nothing was applied), but never send again a command
      // whose connection closed under it: it may have been applied.
      retryDelayOnFailover: 0,
      retryDelayOnClusterDown: 0,
      retryDelayOnMoved: 0,
      clusterRetryStrategy: backOff,
      slotsRefreshTimeout: Math.max(commandTimeoutMs, 1000),
      slotsRefreshInterval: 2000,
      // ioredis keeps an offline queue on cluster nodes whatever this says, but with lazyConnect
      // false a node connects as soon as it is known, and the cluster never hands a command to
      // a node that is not ready, so nothing waits in it (send.ts guards it all the same).
      redisOptions: { ...connection, ...credentials },
    };
    client = new Cluster(
      topology.nodes.map(({ host, port }) => ({ host, port })),
      options,
    );
    // A node that went away: learn the new owner of its slots now rather than at the next
    // periodic refresh (ioredis does this by itself only on MOVED).
    const cluster = client;
    cluster.on('-node', () => {
      if (cluster.status === 'ready') cluster.refreshSlotsCache();
    });
  }
  // Connection errors surface as failed calls; the event only needs a listener so it is not fatal.
  client.on('error', () => undefined);
  return client;
}

/** The connection of `client` whose socket is `socket`, while it is still that connection and ready. */
export function connectionOf(client: RedisClient, socket: object): Redis | undefined {
  const candidates = client instanceof Cluster ? client.nodes('all') : [client];
  return candidates.find((redis) => redis.stream === socket && redis.status === 'ready');
}

/**
 * The connections to every master, one per shard (one for a single server or Sentinel).
 * Undefined when some slot of a cluster has no known master right now (a failover under way).
 */
export function masters(client: RedisClient): Redis[] | undefined {
  if (!(client instanceof Cluster)) return [client];
  const keys = new Set<string>();
  for (let slot = 0; slot < 16384; slot++) {
    const owner = client.slots[slot]?.[0];
    if (owner === undefined) return undefined;
    keys.add(owner);
  }
  const nodes = client.nodes('master');
  const found = [...keys].map((key) =>
    nodes.find((node) => `${node.options.host}:${node.options.port}` === key),
  );
  return found.every((node) => node !== undefined) ? (found as Redis[]) : undefined;
}
