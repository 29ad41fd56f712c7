/**
 * Redis topologies of the test's own, on free ports of 127.0.0.1, for the HA tests: a master with
 * replicas and sentinels, and a Redis Cluster. Every process started here is killed by
 * {@link killAllRedis} (call it in afterAll) and, as a last resort, when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { freePort } from './redisServer';

const running = new Set<RedisProcess>();
const tempDirs = new Set<string>();

process.once('exit', () => {
  for (const redis of running) redis.child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory removed by {@link killAllRedis}. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Kills every process started here (SIGKILL; a stalled one too) and removes the temporary files. */
export async function killAllRedis(): Promise<void> {
  await Promise.all([...running].map((redis) => redis.kill()));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Resolves when `condition` holds, checking it again after each answer; rejects after `timeoutMs`. */
export async function until(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** One redis-server (or sentinel) process, its output kept for diagnostics. */
export class RedisProcess {
  output = '';
  private exited: Promise<void>;

  private constructor(
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    running.add(this);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => running.delete(this));
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** Starts `redis-server <args>` and resolves once its log says `ready` (a regular expression). */
  static async start(port: number, args: string[], ready: RegExp): Promise<RedisProcess> {
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const redis = new RedisProcess(port, child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis on ${port} did not start: ${redis.output}`)),
        10_000,
      );
      const check = () => {
        if (!ready.test(redis.output)) return;
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve();
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis on ${port} exited with ${code}: ${redis.output}`));
      });
    });
    return redis;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** A client of this one process (no reconnection: a test's inspector). */
  client(): Redis {
    const client = new Redis(this.port, '127.0.0.1', {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: true,
      retryStrategy: () => null,
      commandTimeout: 3000,
      // ioredis waits this long for a connection that is already gone before it lets go.
      disconnectTimeout: 100,
      lazyConnect: false,
    });
    client.on('error', () => undefined);
    return client;
  }

  /** Asks this process one command on a connection of its own, closed afterwards. */
  async command(...args: [string, ...(string | number)[]]): Promise<unknown> {
    const client = this.client();
    try {
      return await client.call(...args);
    } finally {
      client.disconnect();
    }
  }

  stall(): void {
    if (this.alive) this.child.kill('SIGSTOP');
  }

  resume(): void {
    if (this.alive) this.child.kill('SIGCONT');
  }

  /** SIGKILL, as a crash would; resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Nothing persisted; each topology runs in a temporary directory of its own (replicas write the RDB they receive). */
const DATA_ARGS = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];

export interface SentinelSetup {
  readonly masterName: string;
  readonly master: RedisProcess;
  readonly replicas: readonly RedisProcess[];
  readonly sentinels: readonly RedisProcess[];
  /** `host:port,host:port,...` of the sentinels, as REDIS_SENTINELS takes it. */
  readonly sentinelList: string;
  /** The data node the sentinels name as master now. */
  currentMaster(): Promise<RedisProcess>;
}

/**
 * A master, its replicas (in sync before this resolves) and sentinels that know each other and
 * the replicas, with a small `down-after-milliseconds` so a failover takes about a second.
 */
export async function startSentinelSetup(
  options: { replicas?: number; sentinels?: number; downAfterMs?: number; failoverTimeoutMs?: number } = {},
): Promise<SentinelSetup> {
  const { replicas = 1, sentinels = 3, downAfterMs = 500, failoverTimeoutMs = 3000 } = options;
  const masterName = 'asmxmaster';
  const dir = tempDir('asmx-sentinel-');
  const ready = /Ready to accept connections/;
  const masterPort = await freePort();
  const master = await RedisProcess.start(
    masterPort,
    ['--port', String(masterPort), ...DATA_ARGS, '--dir', dir],
    ready,
  );
  const replicaProcesses: RedisProcess[] = [];
  for (let i = 0; i < replicas; i++) {
    const port = await freePort();
    replicaProcesses.push(
      await RedisProcess.start(
        port,
        ['--port', String(port), ...DATA_ARGS, '--dir', dir, '--replicaof', '127.0.0.1', String(masterPort)],
        /MASTER <-> REPLICA sync: Finished with success|Successful partial resynchronization/,
      ),
    );
  }
  const sentinelProcesses: RedisProcess[] = [];
  for (let i = 0; i < sentinels; i++) {
    const port = await freePort();
    const file = path.join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} ${Math.floor(sentinels / 2) + 1}`,
        `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
        `sentinel failover-timeout ${masterName} ${failoverTimeoutMs}`,
        `sentinel parallel-syncs ${masterName} 1`,
        '',
      ].join('\n'),
    );
    sentinelProcesses.push(await RedisProcess.start(port, [file, '--sentinel'], /\+monitor master/));
  }
  // Sentinels find each other through the master's hello channel (every 2 s) and the replicas
  // through INFO: wait until each one knows all of them, or a failover could not be agreed.
  for (const sentinel of sentinelProcesses) {
    await until('sentinels to know each other and the replicas', async () => {
      const others = (await sentinel.command('SENTINEL', 'SENTINELS', masterName)) as unknown[];
      const known = (await sentinel.command('SENTINEL', 'REPLICAS', masterName)) as unknown[];
      return others.length === sentinels - 1 && known.length === replicas;
    });
  }
  const all = [master, ...replicaProcesses];
  return {
    masterName,
    master,
    replicas: replicaProcesses,
    sentinels: sentinelProcesses,
    sentinelList: sentinelProcesses.map((s) => s.address).join(','),
    async currentMaster() {
      for (const sentinel of sentinelProcesses.filter((s) => s.alive)) {
        const [, port] = (await sentinel.command(
          'SENTINEL',
          'GET-MASTER-ADDR-BY-NAME',
          masterName,
        )) as string[];
        const found = all.find((node) => String(node.port) === port);
        if (found) return found;
      }
      throw new Error('no sentinel names a master');
    },
  };
}

export interface ClusterSetup {
  readonly nodes: readonly RedisProcess[];
  /** `host:port,...` of two nodes, as REDIS_CLUSTER_NODES takes it (the client finds the rest). */
  readonly seedList: string;
  /** The live masters and the slot ranges each serves, as a surviving node sees them. */
  masters(): Promise<{ node: RedisProcess; slots: [number, number][] }[]>;
  /** The replica of a master, from CLUSTER NODES. */
  replicaOf(master: RedisProcess): Promise<RedisProcess>;
}

interface NodeLine {
  id: string;
  port: number;
  flags: string[];
  masterId: string;
  linkState: string;
  slots: [number, number][];
}

function parseClusterNodes(text: string): NodeLine[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId, , , , linkState, ...slots] = line.split(' ');
      return {
        id: id as string,
        port: Number((address as string).split('@')[0]?.split(':')[1]),
        flags: (flags as string).split(','),
        masterId: masterId as string,
        linkState: linkState as string,
        slots: slots
          .filter((s) => !s.startsWith('['))
          .map((s) => {
            const [from, to] = s.split('-').map(Number);
            return [from as number, (to ?? from) as number];
          }),
      };
    });
}

/** `masters` masters with `replicasPerMaster` replicas each, created with `redis-cli --cluster create`. */
export async function startCluster(
  options: { masters?: number; replicasPerMaster?: number; nodeTimeoutMs?: number } = {},
): Promise<ClusterSetup> {
  const { masters = 3, replicasPerMaster = 1, nodeTimeoutMs = 1000 } = options;
  const dir = tempDir('asmx-cluster-');
  const count = masters * (1 + replicasPerMaster);
  const nodes: RedisProcess[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    nodes.push(
      await RedisProcess.start(
        port,
        [
          '--port',
          String(port),
          ...DATA_ARGS,
          '--dir',
          dir,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          String(nodeTimeoutMs),
          // A replica may take over however long it was cut off (the test kills masters at once).
          '--cluster-replica-validity-factor',
          '0',
        ],
        /Ready to accept connections/,
      ),
    );
  }
  await new Promise<void>((resolve, reject) => {
    const cli = spawn(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map((n) => n.address),
        '--cluster-replicas',
        String(replicasPerMaster),
        '--cluster-yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => cli.kill('SIGKILL'), 30_000);
    cli.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`redis-cli --cluster create exited with ${code}: ${output}`));
    });
  });
  const view = async () => {
    const node = nodes.find((n) => n.alive);
    if (!node) throw new Error('no cluster node is alive');
    return parseClusterNodes((await node.command('CLUSTER', 'NODES')) as string);
  };
  // Every node agrees the cluster is up, and every replica has synced with its master.
  for (const node of nodes) {
    await until('the cluster to be ok on every node', async () =>
      /cluster_state:ok/.test((await node.command('CLUSTER', 'INFO')) as string),
    );
  }
  for (const node of nodes) {
    await until('replicas to be in sync', async () => {
      const info = (await node.command('INFO', 'replication')) as string;
      if (/role:slave/.test(info))
        return /master_link_status:up/.test(info) && !/master_sync_in_progress:1/.test(info);
      return (info.match(/state=online/g) ?? []).length === replicasPerMaster;
    });
  }
  const byPort = (port: number) => nodes.find((n) => n.port === port) as RedisProcess;
  return {
    nodes,
    seedList: nodes
      .slice(0, 2)
      .map((n) => n.address)
      .join(','),
    async masters() {
      return (await view())
        .filter(
          (line) => line.flags.includes('master') && !line.flags.includes('fail') && line.slots.length > 0,
        )
        .map((line) => ({ node: byPort(line.port), slots: line.slots }));
    },
    async replicaOf(master) {
      const lines = await view();
      const id = lines.find((line) => line.port === master.port)?.id;
      const replica = lines.find((line) => line.masterId === id && line.flags.includes('slave'));
      if (!replica) throw new Error(`no replica of ${master.address}`);
      return byPort(replica.port);
    },
  };
}
