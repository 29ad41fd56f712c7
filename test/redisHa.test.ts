/**
 * Redis high availability: Sentinel and Cluster, with the test's own redis-server processes.
 * A master is killed (SIGKILL) in the middle of a LogOut load; the emulator must never lie:
 * no success for a ticket that is still alive afterwards, no two successes for one ticket, no
 * [901] for a ticket nobody logged out, and service back within seconds of the failover.
 */
import Redis, { Cluster } from 'ioredis';
import { ConfigError, loadConfig } from '../src/config';
import { DomainErrors } from '../src/errors/catalogue';
import { httpGet, httpRequest, login, rootAttribute, soap11, TRANSPORTS } from './support/http';
import {
  killAllRedis,
  startCluster,
  startSentinelSetup,
  until,
  type ClusterSetup,
  type RedisProcess,
  type SentinelSetup,
} from './support/redisTopology';
import { startTestServer, type TestServer } from './support/testServer';

jest.setTimeout(60_000);

const INVALID = DomainErrors.INVALID_TICKET.text;
const OUTCOME_UNKNOWN = DomainErrors.STORE_OUTCOME_UNKNOWN.text;

function configError(env: Record<string, string>): string {
  try {
    loadConfig({ env: { STORE: 'redis', ...env } });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration of the Redis topology', () => {
  test('REDIS_SENTINELS and REDIS_SENTINEL_NAME give the sentinels and the master name', () => {
    const config = loadConfig({
      env: {
        STORE: 'redis',
        REDIS_SENTINELS: '10.0.0.5:26379, sentinel-b:26380',
        REDIS_SENTINEL_NAME: 'tickets',
      },
    });
    expect(config.redisSentinels).toEqual([
      { host: '10.0.0.5', port: 26379 },
      { host: 'sentinel-b', port: 26380 },
    ]);
    expect(config.redisSentinelName).toBe('tickets');
    expect(config.redisClusterNodes).toEqual([]);
  });

  test('REDIS_CLUSTER_NODES gives the cluster seed nodes; IPv6 in brackets', () => {
    const config = loadConfig({ env: { STORE: 'redis', REDIS_CLUSTER_NODES: '10.0.0.7:7000,[::1]:7001' } });
    expect(config.redisClusterNodes).toEqual([
      { host: '10.0.0.7', port: 7000 },
      { host: '::1', port: 7001 },
    ]);
  });

  test('precise refusals', () => {
    expect(configError({ REDIS_SENTINELS: '10.0.0.5', REDIS_SENTINEL_NAME: 'x' })).toContain(
      'REDIS_SENTINELS="10.0.0.5": "10.0.0.5" is not host:port (e.g. 10.0.0.5:26379)',
    );
    expect(configError({ REDIS_CLUSTER_NODES: 'a:1,b:99999' })).toContain(
      'REDIS_CLUSTER_NODES="a:1,b:99999": "b:99999" is not host:port (e.g. 10.0.0.5:7000)',
    );
    expect(
      configError({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'x', REDIS_CLUSTER_NODES: 'b:2' }),
    ).toContain(
      'REDIS_CLUSTER_NODES="b:2": cannot be combined with REDIS_SENTINELS: choose one topology (REDIS_URL alone, Sentinel or Cluster)',
    );
    expect(configError({ REDIS_SENTINELS: 'a:1' })).toContain(
      'REDIS_SENTINELS="a:1": needs REDIS_SENTINEL_NAME, the name of the master the sentinels monitor',
    );
    expect(configError({ REDIS_SENTINEL_NAME: 'x' })).toContain(
      'REDIS_SENTINEL_NAME="x": needs REDIS_SENTINELS, the sentinels to ask for that master',
    );
    expect(
      configError({
        REDIS_WAIT_REPLICAS: '1',
        REDIS_WAIT_TIMEOUT_MS: '1000',
        REDIS_COMMAND_TIMEOUT_MS: '1000',
      }),
    ).toContain(
      'REDIS_WAIT_TIMEOUT_MS="1000": must be less than REDIS_COMMAND_TIMEOUT_MS (1000), or the command times out before WAIT answers',
    );
    expect(() => loadConfig({ env: { STORE: 'memory', REDIS_CLUSTER_NODES: 'a:1' } })).toThrow(
      'REDIS_CLUSTER_NODES="a:1": takes effect only with STORE=redis',
    );
  });
});

type Outcome = 'success' | '901' | '903' | '904' | 'other';

function outcomeOf(body: string): Outcome {
  if (body.includes('[904]')) return '904';
  if (body.includes('[903]')) return '903';
  if (rootAttribute(body, 'success') === 'true') return 'success';
  if (rootAttribute(body, 'error') === INVALID) return '901';
  return 'other';
}

interface LoadReport {
  tickets: number;
  attempts: number;
  answers: Record<Outcome, number>;
  falseSuccesses: number;
  doubleSuccesses: number;
  false901: number;
  undecided: number;
  recoveryMs: number;
  others: string[];
}

/**
 * Logs every ticket out from `clients` concurrent clients (all of them try every ticket, in the
 * same order, so LogOuts of one ticket race), over the given instances and transports. A client
 * retries a ticket after [903]/[904] until it gets success or [901]. After `killAfter` answers
 * `kill` runs; `probe` is then tried until it succeeds (service back).
 */
async function logoutLoad(options: {
  servers: readonly TestServer[];
  tickets: readonly string[];
  clients: number;
  killAfter: number;
  kill: () => Promise<void>;
  probe: () => Promise<boolean>;
  alive: (tickets: readonly string[]) => Promise<boolean[]>;
}): Promise<LoadReport> {
  const { servers, tickets, clients } = options;
  const perTicket = tickets.map(() => [] as Outcome[]);
  const answers: Record<Outcome, number> = { success: 0, '901': 0, '903': 0, '904': 0, other: 0 };
  const others: string[] = [];
  let attempts = 0;
  let killed: Promise<void> | undefined;
  let killedAt = 0;
  let recoveredAt = 0;
  const deadline = Date.now() + 40_000;
  const transports = [TRANSPORTS.httpGet, TRANSPORTS.soap11, TRANSPORTS.formPost, TRANSPORTS.soap12];

  let probing: Promise<void> = Promise.resolve();
  const startKill = () => {
    killedAt = Date.now();
    killed = options.kill();
    probing = (async () => {
      await killed;
      while (!(await options.probe().catch(() => false))) {
        if (Date.now() > deadline) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      recoveredAt = Date.now();
    })();
  };

  const client = async (index: number) => {
    for (let t = 0; t < tickets.length; t++) {
      for (let attempt = 0; Date.now() < deadline; attempt++) {
        const server = servers[(index + t + attempt) % servers.length] as TestServer;
        const transport = transports[(index + t) % transports.length] as (typeof transports)[number];
        const res = await transport(server.origin, 'LogOut', { AuthenticationTicket: tickets[t] as string });
        const outcome = outcomeOf(res.body);
        attempts++;
        answers[outcome]++;
        perTicket[t]?.push(outcome);
        if (outcome === 'other' && others.length < 5) others.push(`${res.status} ${res.body.slice(0, 300)}`);
        if (!killed && attempts >= options.killAfter) startKill();
        if (outcome === 'success' || outcome === '901') break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  if (!killed) startKill();
  await probing;

  const alive = await options.alive(tickets);
  let falseSuccesses = 0;
  let doubleSuccesses = 0;
  let false901 = 0;
  let undecided = 0;
  perTicket.forEach((outcomes, t) => {
    const successes = outcomes.filter((o) => o === 'success').length;
    const invalid = outcomes.filter((o) => o === '901').length;
    if (successes > 0 && alive[t]) falseSuccesses++;
    if (successes > 1) doubleSuccesses++;
    // A [901] is false when the ticket is still alive, or when no answer could have removed it.
    if (invalid > 0 && (alive[t] || (successes === 0 && !outcomes.includes('904')))) false901++;
    if (alive[t] && successes === 0 && invalid === 0) undecided++;
  });
  return {
    tickets: tickets.length,
    attempts,
    answers,
    falseSuccesses,
    doubleSuccesses,
    false901,
    undecided,
    recoveryMs: recoveredAt ? recoveredAt - killedAt : -1,
    others,
  };
}

/** Signs `count` sessions in, `concurrency` at a time, over the given instances. */
async function signIn(servers: readonly TestServer[], count: number, concurrency = 16): Promise<string[]> {
  const tickets: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        tickets[i] = await login((servers[i % servers.length] as TestServer).origin);
      }
    }),
  );
  return tickets;
}

function expectNoLies(report: LoadReport) {
  expect(report.others).toEqual([]);
  expect(report.falseSuccesses).toBe(0);
  expect(report.doubleSuccesses).toBe(0);
  expect(report.false901).toBe(0);
  expect(report.undecided).toBe(0);
  expect(report.answers.success).toBeLessThanOrEqual(report.tickets);
  expect(report.recoveryMs).toBeGreaterThanOrEqual(0);
  expect(report.recoveryMs).toBeLessThan(10_000);
}

describe('Sentinel: a master, two replicas, three sentinels', () => {
  let setup: SentinelSetup;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    setup = await startSentinelSetup({
      replicas: 2,
      sentinels: 3,
      downAfterMs: 500,
      failoverTimeoutMs: 3000,
    });
    const config = {
      store: 'redis' as const,
      // Never the machine's Redis: if the topology settings were ignored, this port refuses.
      redisUrl: 'redis://127.0.0.1:1',
      redisSentinels: setup.sentinelList,
      redisSentinelName: setup.masterName,
      redisKeyPrefix: 'ha:',
      redisCommandTimeoutMs: 1000,
      redisWaitReplicas: 1,
      redisWaitTimeoutMs: 300,
    };
    [a, b] = await Promise.all([startTestServer(config), startTestServer(config)]);
    await until('both instances ready', async () =>
      (await Promise.all([a, b].map((s) => httpRequest(s.origin, '/readyz')))).every((r) => r.status === 200),
    );
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await killAllRedis();
  });

  test('an acknowledged LogOut is on the replica that confirmed it (REDIS_WAIT_REPLICAS=1, the other stalled)', async () => {
    const ticket = await login(a.origin);
    const key = `ha:ticket:${ticket}`;
    const [stalled, confirming] = setup.replicas as [RedisProcess, RedisProcess];
    stalled.stall();
    try {
      const res = await httpGet(b.origin, 'LogOut', { AuthenticationTicket: ticket });
      expect([res.status, rootAttribute(res.body, 'success')]).toEqual([200, 'true']);
      expect(await confirming.command('EXISTS', key)).toBe(0);
    } finally {
      stalled.resume();
    }
  });

  test('no replica confirms in time: LogOut answers [904]; the master has applied it, a retry answers [901]', async () => {
    const ticket = await login(a.origin);
    const key = `ha:ticket:${ticket}`;
    for (const replica of setup.replicas) replica.stall();
    try {
      const res = await httpGet(a.origin, 'LogOut', { AuthenticationTicket: ticket });
      expect([res.status, rootAttribute(res.body, 'error')]).toEqual([503, OUTCOME_UNKNOWN]);
      const soap = await soap11(b.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
      expect(soap.body).toContain('[904]');
      expect(await setup.master.command('EXISTS', key)).toBe(0);
    } finally {
      for (const replica of setup.replicas) replica.resume();
    }
    const retry = await httpGet(b.origin, 'LogOut', { AuthenticationTicket: ticket });
    expect([retry.status, rootAttribute(retry.body, 'error')]).toEqual([200, INVALID]);
  });

  test('kill -9 of the master during a LogOut load: no lie, service back within seconds', async () => {
    const tickets = await signIn([a, b], 300);
    const original = setup.master;
    // The first sentinel to announce the new master tells when the failover was done.
    const listeners = setup.sentinels.map((s) => {
      const client = new Redis(s.port, '127.0.0.1', { retryStrategy: () => null, disconnectTimeout: 100 });
      client.on('error', () => undefined);
      return client;
    });
    let switchedAt = 0;
    const switched = new Promise<void>((resolve) => {
      for (const client of listeners)
        client.on('message', () => {
          switchedAt ||= Date.now();
          resolve();
        });
    });
    await Promise.all(listeners.map((client) => client.subscribe('+switch-master')));
    let killedAt = 0;
    try {
      const report = await logoutLoad({
        servers: [a, b],
        tickets,
        clients: 4,
        killAfter: 300,
        kill: async () => {
          killedAt = Date.now();
          await original.kill();
        },
        probe: async () => {
          const res = await httpGet(a.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
          return rootAttribute(res.body, 'ticket') !== undefined;
        },
        alive: async (list) => {
          const master = await setup.currentMaster();
          expect(master).not.toBe(original);
          return Promise.all(list.map(async (t) => (await master.command('EXISTS', `ha:ticket:${t}`)) === 1));
        },
      });
      await switched;
      console.log(
        `Sentinel failover under LogOut load: ${JSON.stringify({ ...report, switchMasterMs: switchedAt - killedAt })}`,
      );
      expectNoLies(report);
    } finally {
      for (const client of listeners) client.disconnect();
    }
  });
});

describe('Cluster: three masters, one replica each', () => {
  let cluster: ClusterSetup;
  let a: TestServer;
  let b: TestServer;
  let inspector: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 });
    const config = {
      store: 'redis' as const,
      redisUrl: 'redis://127.0.0.1:1',
      redisClusterNodes: cluster.seedList,
      redisKeyPrefix: 'hc:',
      redisCommandTimeoutMs: 1000,
    };
    [a, b] = await Promise.all([startTestServer(config), startTestServer(config)]);
    await until('both instances ready', async () =>
      (await Promise.all([a, b].map((s) => httpRequest(s.origin, '/readyz')))).every((r) => r.status === 200),
    );
    inspector = new Cluster(
      cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
      { redisOptions: { commandTimeout: 3000, disconnectTimeout: 100 } },
    );
    inspector.on('error', () => undefined);
  });
  afterAll(async () => {
    inspector?.disconnect();
    await Promise.all([a?.close(), b?.close()]);
    await killAllRedis();
  });

  const ticketsOn = async (node: RedisProcess) => {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = (await node.command('SCAN', cursor, 'MATCH', 'hc:ticket:*', 'COUNT', 1000)) as [
        string,
        string[],
      ];
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    return count;
  };

  test('tickets spread over the masters; asmx_live_tickets counts them on every master', async () => {
    await signIn([a, b], 60);
    const masters = await cluster.masters();
    expect(masters).toHaveLength(3);
    const counts = await Promise.all(masters.map((m) => ticketsOn(m.node)));
    expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1);
    const total = counts.reduce((x, y) => x + y, 0);
    expect(total).toBeGreaterThanOrEqual(60);
    await inspector.set('other-service:key', 'x');
    for (const server of [a, b]) {
      const body = (await httpRequest(server.origin, '/metrics')).body;
      expect(body).toMatch(new RegExp(`^asmx_live_tickets ${total}$`, 'm'));
    }
    await inspector.del('other-service:key');
  });

  test('concurrent LogOuts of one ticket, across instances and transports: exactly one success', async () => {
    for (let round = 0; round < 5; round++) {
      const ticket = await login(a.origin);
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (Object.values(TRANSPORTS)[i % 4] as typeof TRANSPORTS.httpGet)(
            i % 2 ? a.origin : b.origin,
            'LogOut',
            {
              AuthenticationTicket: ticket,
            },
          ),
        ),
      );
      const outcomes = answers.map((res) => outcomeOf(res.body));
      expect(outcomes.filter((o) => o === 'success')).toHaveLength(1);
      expect(outcomes.filter((o) => o === '901')).toHaveLength(39);
    }
  });

  test('kill -9 of a master during a LogOut load, its replica promoted: no lie, service back within seconds', async () => {
    const tickets = await signIn([a, b], 300);
    const masters = await cluster.masters();
    const victim = masters[0] as (typeof masters)[number];
    const replica = await cluster.replicaOf(victim.node);
    const victimSlot = (slot: number) => victim.slots.some(([from, to]) => slot >= from && slot <= to);
    const survivor = masters[1]?.node as RedisProcess;
    const onVictim = await Promise.all(
      tickets.map(async (t) =>
        victimSlot((await survivor.command('CLUSTER', 'KEYSLOT', `hc:ticket:${t}`)) as number),
      ),
    );
    expect(onVictim.filter(Boolean).length).toBeGreaterThan(20);

    const report = await logoutLoad({
      servers: [a, b],
      tickets,
      clients: 4,
      killAfter: 300,
      kill: () => victim.node.kill(),
      // Service is back when a sign-in whose ticket lives in the dead master's slots succeeds.
      probe: async () => {
        const res = await httpGet(b.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
        const ticket = rootAttribute(res.body, 'ticket');
        if (!ticket) return false;
        return victimSlot((await survivor.command('CLUSTER', 'KEYSLOT', `hc:ticket:${ticket}`)) as number);
      },
      alive: async (list) => {
        await until('the replica to be a master', async () =>
          (await cluster.masters()).some((m) => m.node === replica),
        );
        return Promise.all(list.map(async (t) => (await inspector.exists(`hc:ticket:${t}`)) === 1));
      },
    });
    console.log(`Cluster failover under LogOut load: ${JSON.stringify(report)}`);
    expectNoLies(report);
  });
});
