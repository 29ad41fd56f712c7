/**
 * A LogOut acknowledged is never undone by a crash: the memory store's revocation log (beside
 * SNAPSHOT_FILE) is written and fsynced before the LogOut answers, replayed at start and rotated
 * with each snapshot.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DAY_MS, ManualClock } from '../src/clock';
import { PACKAGE_ROOT } from '../src/config';
import { MemoryTicketStore } from '../src/tickets/MemoryTicketStore';
import { persistMemoryStore } from '../src/tickets/persistence';
import { fileSystemIo, type LogIo } from '../src/tickets/revocationLog';
import { StoreUnavailableError } from '../src/tickets/TicketStore';
import { httpGet, rootAttribute, soap11 } from './support/http';
import { startTestServer } from './support/testServer';

const directory = () => mkdtempSync(path.join(tmpdir(), 'asmx-revoked-'));
const silent = () => undefined;

function newStore(clock = new ManualClock(Date.UTC(2026, 10, 21))) {
  return new MemoryTicketStore({ ttlMs: 30 * DAY_MS, maxTickets: 100_000, clock });
}

/** The store as a restarted process sees it: snapshot loaded, revocation log replayed. */
function reopen(file: string, store = newStore(), io?: LogIo) {
  return persistMemoryStore(store, {
    file,
    intervalMs: 3_600_000,
    revocationLog: true,
    warn: silent,
    ...(io ? { io } : {}),
  });
}

interface Deferred {
  resolve(): void;
  reject(error: Error): void;
  promise: Promise<void>;
}
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { resolve, reject, promise };
}

/**
 * Real files, but every fsync of the log waits until the test releases it (or fails it), and
 * every write is recorded: the test sees what is batched and when each promise settles.
 */
function gatedIo() {
  const events = new EventEmitter();
  const writes: string[] = [];
  const syncs: Deferred[] = [];
  const io: LogIo = {
    syncDirectory: fileSystemIo.syncDirectory,
    open: async (file) => {
      const real = await fileSystemIo.open(file);
      return {
        write: async (data) => {
          writes.push(data.toString('utf8'));
          await real.write(data);
        },
        datasync: async () => {
          const gate = deferred();
          syncs.push(gate);
          events.emit('sync');
          await gate.promise;
          await real.datasync();
        },
        close: () => real.close(),
      };
    },
  };
  const syncRequested = async (count: number) => {
    while (syncs.length < count) await once(events, 'sync');
  };
  return { io, writes, syncs, syncRequested };
}

/** Real files; while `failing` is set, every fsync of the log fails as a dying disk's would. */
function faultyIo() {
  const state = { failing: false };
  const io: LogIo = {
    syncDirectory: fileSystemIo.syncDirectory,
    open: async (file) => {
      const real = await fileSystemIo.open(file);
      return {
        write: (data) => real.write(data),
        datasync: async () => {
          if (state.failing) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
          await real.datasync();
        },
        close: () => real.close(),
      };
    },
  };
  return { io, state };
}

const segments = (dir: string) => readdirSync(dir).filter((name) => name.includes('.revoked.'));

describe('the revocation log (in-process)', () => {
  test('group commit: revocations arriving during an fsync go out in the next write, each resolving only after the fsync that covers it', async () => {
    const file = path.join(directory(), 'tickets.snapshot');
    const gated = gatedIo();
    const persisted = reopen(file, newStore(), gated.io);
    const { store } = persisted;
    const tickets = await Promise.all(Array.from({ length: 51 }, () => store.issue('jsmith')));
    const settled = new Set<number>();
    const revoke = (i: number) =>
      store.revoke(tickets[i]!.ticket).then((userKey) => {
        settled.add(i);
        return userKey;
      });

    const first = revoke(0);
    await gated.syncRequested(1);
    const rest = tickets.slice(1).map((_, i) => revoke(i + 1));
    // Nothing is acknowledged while the first fsync is pending, not even the first revocation.
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect(settled.size).toBe(0);
    expect(gated.writes).toHaveLength(1);
    // Already gone from memory: a revoked ticket never answers as valid while its record is written.
    expect(await store.peek(tickets[1]!.ticket)).toBeUndefined();

    gated.syncs[0]!.resolve();
    expect(await first).toBe('jsmith');
    await gated.syncRequested(2);
    // The 50 that arrived meanwhile: one write, one fsync.
    expect(gated.writes).toHaveLength(2);
    expect(gated.writes[1]!.split('\n').filter(Boolean)).toHaveLength(50);
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect([...settled]).toEqual([0]);

    gated.syncs[1]!.resolve();
    expect(await Promise.all(rest)).toEqual(Array(50).fill('jsmith'));
    await persisted.close();
  });

  test('a concurrent LogOut of a ticket being revoked answers [901] only once the revocation is on disk', async () => {
    const file = path.join(directory(), 'tickets.snapshot');
    const gated = gatedIo();
    const persisted = reopen(file, newStore(), gated.io);
    const { store } = persisted;
    const { ticket } = await store.issue('jsmith');
    let secondDone = false;
    const first = store.revoke(ticket);
    await gated.syncRequested(1);
    const second = store.revoke(ticket).then((userKey) => {
      secondDone = true;
      return userKey;
    });
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect(secondDone).toBe(false);
    gated.syncs[0]!.resolve();
    expect(await first).toBe('jsmith');
    expect(await second).toBeUndefined();
    await persisted.close();
  });

  test('a revoked ticket found in the snapshot stays dead after a crash; the others live', async () => {
    const file = path.join(directory(), 'tickets.snapshot');
    const before = reopen(file);
    const tickets = await Promise.all(Array.from({ length: 20 }, () => before.store.issue('jsmith')));
    await before.save();
    for (const { ticket } of tickets.slice(0, 5)) expect(await before.store.revoke(ticket)).toBe('jsmith');

    // A crash: nothing more is written; a new process loads the snapshot and the log.
    const after = reopen(file);
    for (const { ticket } of tickets.slice(0, 5)) expect(await after.store.peek(ticket)).toBeUndefined();
    for (const { ticket } of tickets.slice(5)) expect(await after.store.peek(ticket)).toBeDefined();
    await before.close();
    await after.close();
  });

  test('each snapshot truncates the log, and a revocation made while the snapshot is written is not lost', async () => {
    const dir = directory();
    const file = path.join(dir, 'tickets.snapshot');
    const first = reopen(file);
    const [a, b, c] = [
      await first.store.issue('a'),
      await first.store.issue('b'),
      await first.store.issue('c'),
    ];
    await first.save();
    await first.store.revoke(a.ticket);
    expect(segments(dir)).toHaveLength(1);

    // The snapshot takes its view at once; b is revoked after that view, before the file is renamed.
    const saving = first.save();
    expect(await first.store.revoke(b.ticket)).toBe('b');
    await saving;
    // a's record went with the snapshot (which lacks a); b's is in the log that follows it.
    const snapshot = readFileSync(file, 'utf8');
    expect(snapshot).not.toContain(a.ticket);
    expect(snapshot).toContain(b.ticket);
    expect(segments(dir)).toHaveLength(1);
    expect(readFileSync(path.join(dir, segments(dir)[0]!), 'utf8')).toContain(b.ticket);

    const crashed = reopen(file);
    expect(await crashed.store.peek(a.ticket)).toBeUndefined();
    expect(await crashed.store.peek(b.ticket)).toBeUndefined();
    expect(await crashed.store.peek(c.ticket)).toBeDefined();
    await crashed.close();

    // A snapshot after the last revocation leaves no log at all.
    await first.save();
    expect(segments(dir)).toEqual([]);
    await first.close();
  });

  test('a failed write is never acknowledged: [903], the ticket stays dead, and a retry that succeeds is durable', async () => {
    const file = path.join(directory(), 'tickets.snapshot');
    const faulty = faultyIo();
    const persisted = reopen(file, newStore(), faulty.io);
    const { store } = persisted;
    const { ticket } = await store.issue('jsmith');
    faulty.state.failing = true;
    await expect(store.revoke(ticket)).rejects.toBeInstanceOf(StoreUnavailableError);
    // Not revived: the session is over in this process, only its record is missing.
    expect(await store.peek(ticket)).toBeUndefined();
    await expect(store.revoke(ticket)).rejects.toBeInstanceOf(StoreUnavailableError);

    faulty.state.failing = false;
    expect(await store.revoke(ticket)).toBe('jsmith');
    expect(await store.revoke(ticket)).toBeUndefined();
    const crashed = reopen(file);
    expect(await crashed.store.peek(ticket)).toBeUndefined();
    await crashed.close();
    await persisted.close();
  });

  test('over HTTP, a LogOut whose record cannot be written answers [903] on every transport, never success', async () => {
    const file = path.join(directory(), 'tickets.snapshot');
    const faulty = faultyIo();
    const persisted = reopen(file, newStore(), faulty.io);
    const server = await startTestServer({}, persisted.store);
    try {
      const [one, two] = [await persisted.store.issue('jsmith'), await persisted.store.issue('jsmith')];
      faulty.state.failing = true;
      const get = await httpGet(server.origin, 'LogOut', { AuthenticationTicket: one.ticket });
      expect(get.status).toBe(503);
      expect(get.headers['retry-after']).toBe('1');
      expect(rootAttribute(get.body, 'error')).toContain('[903]');
      const soap = await soap11(server.origin, 'LogOut', { AuthenticationTicket: two.ticket });
      expect(soap.status).toBe(500);
      expect(soap.body).toContain('[903] Ticket store unavailable');
      const valid = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: one.ticket });
      expect(rootAttribute(valid.body, 'success')).toBe('false');

      faulty.state.failing = false;
      const retried = await httpGet(server.origin, 'LogOut', { AuthenticationTicket: one.ticket });
      expect(rootAttribute(retried.body, 'success')).toBe('true');
    } finally {
      await server.close();
      await persisted.close();
    }
  });

  test('a record cut short by a crash is skipped on replay; the rest of the log holds', async () => {
    const dir = directory();
    const file = path.join(dir, 'tickets.snapshot');
    const first = reopen(file);
    const [a, b] = [await first.store.issue('a'), await first.store.issue('b')];
    await first.save();
    await first.store.revoke(a.ticket);
    const log = path.join(dir, segments(dir)[0]!);
    writeFileSync(log, `${readFileSync(log, 'utf8')}"${b.ticket.slice(0, 10)}`);
    const warnings: string[] = [];
    const after = persistMemoryStore(newStore(), {
      file,
      intervalMs: 3_600_000,
      revocationLog: true,
      warn: (message) => warnings.push(message),
    });
    expect(await after.store.peek(a.ticket)).toBeUndefined();
    expect(await after.store.peek(b.ticket)).toBeDefined();
    expect(warnings.join('\n')).toMatch(/1 unreadable record/);
    await after.close();
    await first.close();
  });

  test('a log file that cannot be read starts with no tickets rather than trust the snapshot', async () => {
    const dir = directory();
    const file = path.join(dir, 'tickets.snapshot');
    const first = reopen(file);
    const { ticket } = await first.store.issue('jsmith');
    await first.close();
    // A "segment" that is a directory: reading it fails (EISDIR), as an unreadable file would.
    mkdirSync(`${file}.revoked.7`);
    const warnings: string[] = [];
    const after = persistMemoryStore(newStore(), {
      file,
      intervalMs: 3_600_000,
      revocationLog: true,
      warn: (message) => warnings.push(message),
    });
    expect(await after.store.peek(ticket)).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/revocation log .*revoked\.7.*starting with no tickets/);
    await after.close();
  });
});

// ---------------------------------------------------------------------------------------------
// Real processes killed with SIGKILL

const MAIN = path.join(PACKAGE_ROOT, 'dist', 'main.js');
const TRUSTED = { TrustedUserPwd: 'MyServerSecret', UserName: 'jsmith' };

interface Instance {
  readonly origin: string;
  readonly child: ChildProcess;
  kill9(): Promise<void>;
  stop(): Promise<number | null>;
}

async function start(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', ...env } });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  const origin = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /serving (http:\/\/[^ ]+)\/srv\.asmx/.exec(out);
      if (!match) return;
      // From here on, request logs are read and dropped.
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve(match[1] as string);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void exited.then((code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return {
    origin,
    child,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i] as T);
      }
    }),
  );
  return results;
}

async function issue(origin: string, count: number): Promise<string[]> {
  return pool(Array.from({ length: count }), 16, async () => {
    const res = await httpGet(origin, 'CreateTicketforUser', TRUSTED);
    const ticket = rootAttribute(res.body, 'ticket');
    if (!ticket) throw new Error(`not issued: ${res.body}`);
    return ticket;
  });
}

async function logOut(origin: string, ticket: string): Promise<string | undefined> {
  const res = await httpGet(origin, 'LogOut', { AuthenticationTicket: ticket });
  return rootAttribute(res.body, 'success') === 'true' ? 'ok' : rootAttribute(res.body, 'error');
}

/** isValidTicket of each ticket: the ones that answered valid. */
async function stillValid(origin: string, tickets: readonly string[]): Promise<Set<string>> {
  const answers = await pool(tickets, 16, async (ticket) => {
    const res = await httpGet(origin, 'isValidTicket', { AuthenticationTicket: ticket });
    return rootAttribute(res.body, 'success') === 'true';
  });
  return new Set(tickets.filter((_, i) => answers[i]));
}

/** Every acknowledged LogOut still dead, every ticket never logged out still valid. */
async function expectState(origin: string, dead: Iterable<string>, alive: Iterable<string>) {
  const deadList = [...dead];
  const aliveList = [...alive];
  const valid = await stillValid(origin, [...deadList, ...aliveList]);
  expect(deadList.filter((t) => valid.has(t))).toEqual([]);
  expect(aliveList.filter((t) => !valid.has(t))).toEqual([]);
}

/** Resolves on each replacement of the snapshot file (a new inode: the rename of a fresh write). */
function snapshotWatcher(file: string) {
  const events = new EventEmitter();
  let count = 0;
  const watcher = watch(path.dirname(file), (_event, name) => {
    if (name === path.basename(file) && existsSync(file)) {
      count++;
      events.emit('snapshot');
    }
  });
  return {
    /** Waits until `predicate` holds of the snapshot on disk, checking at each replacement. */
    async until(predicate: (text: string) => boolean) {
      while (!(existsSync(file) && predicate(readFileSync(file, 'utf8')))) await once(events, 'snapshot');
    },
    async replacements(n: number) {
      const target = count + n;
      while (count < target) await once(events, 'snapshot');
    },
    close: () => watcher.close(),
  };
}

const trailerCount = (text: string) => {
  const last = text.trimEnd().split('\n').at(-1) ?? '';
  try {
    return (JSON.parse(last) as { count?: number }).count;
  } catch {
    return undefined;
  }
};

describe('kill -9 of a memory-store instance with SNAPSHOT_FILE', () => {
  jest.setTimeout(90_000);

  test('every acknowledged LogOut stays dead across kill cycles, including a kill during a burst of LogOuts', async () => {
    const dir = directory();
    const env = { SNAPSHOT_FILE: path.join(dir, 'tickets.snapshot'), SNAPSHOT_INTERVAL_MS: '3600000' };
    // One snapshot holding every ticket: the graceful stop of the first instance writes it.
    const first = await start(env);
    const alive = new Set(await issue(first.origin, 400));
    expect(await first.stop()).toBe(0);

    const dead = new Set<string>();
    for (let cycle = 0; cycle < 3; cycle++) {
      const instance = await start(env);
      await expectState(instance.origin, dead, alive);
      const chosen = [...alive].slice(0, 25);
      const answers = await Promise.all(chosen.map((ticket) => logOut(instance.origin, ticket)));
      expect(answers).toEqual(Array(chosen.length).fill('ok'));
      for (const ticket of chosen) {
        alive.delete(ticket);
        dead.add(ticket);
      }
      await instance.kill9();
    }

    // A burst of concurrent LogOuts, killed once a third of them have answered.
    const instance = await start(env);
    await expectState(instance.origin, dead, alive);
    const burst = [...alive].slice(0, 240);
    const acknowledged: string[] = [];
    let killed: Promise<void> | undefined;
    await Promise.all(
      burst.map(async (ticket) => {
        const answer = await logOut(instance.origin, ticket).catch(() => undefined);
        // An answer read at all was sent before the process died, even if read after the kill.
        if (answer === 'ok') acknowledged.push(ticket);
        if (acknowledged.length >= burst.length / 3) killed ??= instance.kill9();
      }),
    );
    await (killed ?? instance.kill9());
    expect(acknowledged.length).toBeGreaterThanOrEqual(burst.length / 3);
    for (const ticket of burst) alive.delete(ticket);
    for (const ticket of acknowledged) dead.add(ticket);

    const restarted = await start(env);
    try {
      await expectState(restarted.origin, dead, alive);
      // And they answer [901] to a LogOut again, as before the crash.
      const again = await Promise.all([...dead].slice(0, 20).map((t) => logOut(restarted.origin, t)));
      for (const answer of again) expect(answer).toContain('[901]');
    } finally {
      expect(await restarted.stop()).toBe(0);
    }
  });

  test('an interval snapshot rotates the log without losing a LogOut made around it', async () => {
    const dir = directory();
    const file = path.join(dir, 'tickets.snapshot');
    const env = { SNAPSHOT_FILE: file, SNAPSHOT_INTERVAL_MS: '1000' };
    const watcher = snapshotWatcher(file);
    try {
      const instance = await start(env);
      const tickets = await issue(instance.origin, 2400);
      // Tickets issued since the last snapshot may be lost by a crash (safe); wait until all are in one.
      await watcher.until((text) => trailerCount(text) === tickets.length);

      const dead = new Set<string>();
      let next = 0;
      const reserve = 100;
      const logOutNext = async () => {
        const ticket = tickets[next++] as string;
        if ((await logOut(instance.origin, ticket)) === 'ok') dead.add(ticket);
      };
      let stopping = false;
      const snapshotsSeen = watcher.replacements(1).then(() => (stopping = true));
      // LogOuts, four at a time, until a snapshot has been taken among them (rotating the log).
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (!stopping && next < tickets.length - reserve) await logOutNext();
        }),
      );
      await snapshotsSeen;
      // More LogOuts after the last snapshot seen: only the log holds them.
      for (let i = 0; i < 30; i++) await logOutNext();
      expect(dead.size).toBe(next);
      // And a kill that lands among LogOuts in flight: only the acknowledged ones count.
      const inFlight = tickets.slice(next, next + 8);
      const answers = inFlight.map((t) => logOut(instance.origin, t).catch(() => undefined));
      await instance.kill9();
      (await Promise.all(answers)).forEach((answer, i) => answer === 'ok' && dead.add(inFlight[i] as string));
      next += inFlight.length;

      const restarted = await start(env);
      try {
        await expectState(restarted.origin, dead, tickets.slice(next));
      } finally {
        expect(await restarted.stop()).toBe(0);
      }
    } finally {
      watcher.close();
    }
  });

  test('a ticket issued since the last snapshot is lost by kill -9 (safe: the user signs in again)', async () => {
    const dir = directory();
    const env = { SNAPSHOT_FILE: path.join(dir, 'tickets.snapshot'), SNAPSHOT_INTERVAL_MS: '3600000' };
    const first = await start(env);
    const [kept] = await issue(first.origin, 1);
    expect(await first.stop()).toBe(0);
    const second = await start(env);
    const [lost] = await issue(second.origin, 1);
    await second.kill9();
    const third = await start(env);
    try {
      await expectState(third.origin, [lost as string], [kept as string]);
    } finally {
      expect(await third.stop()).toBe(0);
    }
  });
});
