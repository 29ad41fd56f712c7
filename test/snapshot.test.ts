/** The memory store survives a restart through its snapshot file, and survives a bad snapshot. */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DAY_MS, ManualClock } from '../src/clock';
import { PACKAGE_ROOT } from '../src/config';
import { MemoryTicketStore } from '../src/tickets/MemoryTicketStore';
import { loadSnapshot, writeSnapshot } from '../src/tickets/snapshot';
import { httpGet, login, rootAttribute } from './support/http';
import { startTestServer } from './support/testServer';

const directory = () => mkdtempSync(path.join(tmpdir(), 'asmx-snapshot-'));

function newStore(clock: ManualClock, maxTickets = 100) {
  return new MemoryTicketStore({ ttlMs: 30 * DAY_MS, maxTickets, clock });
}

describe('snapshot file', () => {
  test('round-trips live tickets with their expiry and recency, and drops expired ones', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const store = newStore(clock, 3);
    const old = await store.issue('jsmith');
    clock.advance(10 * DAY_MS);
    const recent = await store.issue('admin');
    const file = path.join(directory(), 'tickets.snapshot');
    expect(await writeSnapshot(file, store)).toBe(2);

    // 25 days later the first ticket has expired (day 30), the second has 15 days left.
    clock.advance(25 * DAY_MS);
    const restored = newStore(clock, 3);
    expect(loadSnapshot(file, restored, () => undefined)).toBe(1);
    expect(await restored.peek(old.ticket)).toBeUndefined();
    expect(await restored.peek(recent.ticket)).toEqual({ userKey: 'admin', expiresAt: recent.expiresAt });
    // Used again, a restored ticket gets a full window.
    expect((await restored.touch(recent.ticket))?.expiresAt).toBe(clock.now() + 30 * DAY_MS);
  });

  test('keeps least-recently-used order so the bound evicts the same ticket after a restart', async () => {
    const clock = new ManualClock();
    const store = newStore(clock, 3);
    const [t1, t2, t3] = [await store.issue('a'), await store.issue('b'), await store.issue('c')];
    await store.touch(t1.ticket);
    const file = path.join(directory(), 'tickets.snapshot');
    await writeSnapshot(file, store);
    const restored = newStore(clock, 3);
    loadSnapshot(file, restored, () => undefined);
    await restored.issue('d');
    expect(await restored.peek(t2.ticket)).toBeUndefined();
    expect(await restored.peek(t1.ticket)).toBeDefined();
    expect(await restored.peek(t3.ticket)).toBeDefined();
  });

  test('is written atomically: no temporary file is left behind', async () => {
    const dir = directory();
    const store = newStore(new ManualClock());
    await store.issue('jsmith');
    await writeSnapshot(path.join(dir, 'tickets.snapshot'), store);
    expect(readFileSync(path.join(dir, 'tickets.snapshot'), 'utf8').split('\n')[0]).toBe(
      '{"format":"asmx-emulator-tickets","version":1}',
    );
    expect(readdirSync(dir)).toEqual(['tickets.snapshot']);
  });

  test.each([
    ['missing', (_file: string) => undefined, false],
    ['truncated', (file: string) => truncateSync(file, statSync(file).size - 30), true],
    [
      'corrupt',
      (file: string) =>
        writeFileSync(file, '{"format":"asmx-emulator-tickets","version":1}\n[not json\n{"count":1}\n'),
      true,
    ],
    ['foreign', (file: string) => writeFileSync(file, 'hello world\n'), true],
    ['empty', (file: string) => writeFileSync(file, ''), true],
  ])('a %s snapshot starts empty', async (_kind, damage, warns) => {
    const clock = new ManualClock();
    const store = newStore(clock);
    for (let i = 0; i < 5; i++) await store.issue('jsmith');
    const file = path.join(directory(), 'tickets.snapshot');
    if (_kind !== 'missing') await writeSnapshot(file, store);
    damage(file);
    const warnings: string[] = [];
    const restored = newStore(clock);
    expect(loadSnapshot(file, restored, (w) => warnings.push(w))).toBe(0);
    expect(await restored.size()).toBe(0);
    expect(warnings.length > 0).toBe(warns);
    if (warns) expect(warnings[0]).toMatch(/starting empty/);
  });
});

describe('snapshot hygiene at start', () => {
  test('stale temporary files of a killed write are removed; other files are left alone', async () => {
    const dir = directory();
    const file = path.join(dir, 'tickets.snapshot');
    writeFileSync(path.join(dir, 'tickets.snapshot.4242.tmp'), '{"format":"asmx-emulator-tickets"');
    writeFileSync(path.join(dir, 'tickets.snapshot.1.tmp'), '');
    writeFileSync(path.join(dir, 'other.snapshot.7.tmp'), 'not ours');
    writeFileSync(path.join(dir, 'notes.txt'), 'not ours');
    const server = await startTestServer({ snapshotFile: file });
    try {
      expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'other.snapshot.7.tmp']);
    } finally {
      await server.close();
    }
  });

  const absurd: Array<[string, string]> = [
    ['1e308', '1e308'],
    ['9e15 (past the last Date)', '9000000000000000'],
    ['NaN (JSON writes null)', 'null'],
    ['Infinity', '1e999'],
    ['negative', '-5'],
    ['not an integer', `${Date.UTC(2026, 10, 25)}.5`],
    ['a string', `"${Date.UTC(2026, 10, 25)}"`],
  ];

  test('an entry with an absurd expiry is dropped on load, the others kept', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 21));
    const good = ['00000000-0000-4000-8000-00000000000a', 'jsmith', Date.UTC(2026, 10, 30)];
    const lines = [
      '{"format":"asmx-emulator-tickets","version":1}',
      JSON.stringify(good),
      ...absurd.map(([, expiry], i) => `["00000000-0000-4000-8000-00000000010${i}","jsmith",${expiry}]`),
      `{"count":${absurd.length + 1}}`,
    ];
    const file = path.join(directory(), 'tickets.snapshot');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const warnings: string[] = [];
    const store = newStore(clock);
    expect(loadSnapshot(file, store, (w) => warnings.push(w))).toBe(1);
    expect(await store.peek(good[0] as string)).toEqual({ userKey: 'jsmith', expiresAt: good[2] });
    for (let i = 0; i < absurd.length; i++)
      expect(await store.peek(`00000000-0000-4000-8000-00000000010${i}`)).toBeUndefined();
    expect(warnings.join('\n')).toContain(`dropped ${absurd.length} entries with an impossible expiry`);
  });

  test('an expiry further than one window (a longer TTL before the restart) is cut to one window', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 21));
    const ticket = '00000000-0000-4000-8000-00000000000b';
    const file = path.join(directory(), 'tickets.snapshot');
    writeFileSync(
      file,
      `{"format":"asmx-emulator-tickets","version":1}\n${JSON.stringify([ticket, 'jsmith', clock.now() + 90 * DAY_MS])}\n{"count":1}\n`,
    );
    const store = newStore(clock);
    expect(loadSnapshot(file, store, () => undefined)).toBe(1);
    expect((await store.peek(ticket))?.expiresAt).toBe(clock.now() + 30 * DAY_MS);
  });

  test('over HTTP, a ticket with an absurd expiry answers [901]-style invalid, not a 500', async () => {
    const file = path.join(directory(), 'tickets.snapshot');
    // The test server's clock: 2026-11-21T12:00Z.
    const lines = [
      '{"format":"asmx-emulator-tickets","version":1}',
      JSON.stringify(['00000000-0000-4000-8000-00000000000a', 'jsmith', Date.UTC(2026, 10, 30)]),
      ...absurd.map(([, expiry], i) => `["00000000-0000-4000-8000-00000000010${i}","jsmith",${expiry}]`),
      `{"count":${absurd.length + 1}}`,
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const server = await startTestServer({ snapshotFile: file });
    try {
      const good = await httpGet(server.origin, 'isValidTicket', {
        AuthenticationTicket: '00000000-0000-4000-8000-00000000000a',
      });
      expect(rootAttribute(good.body, 'success')).toBe('true');
      for (let i = 0; i < absurd.length; i++) {
        const ticket = `00000000-0000-4000-8000-00000000010${i}`;
        for (const operation of ['isValidTicket', 'LogOut']) {
          const res = await httpGet(server.origin, operation, { AuthenticationTicket: ticket });
          expect([operation, res.status]).toEqual([operation, 200]);
          expect(rootAttribute(res.body, 'success')).toBe('false');
        }
      }
    } finally {
      await server.close();
    }
  });
});

describe('a memory-store instance restarted', () => {
  const MAIN = path.join(PACKAGE_ROOT, 'dist', 'main.js');

  function start(env: Record<string, string>) {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', ...env } });
    // Logs are JSON lines on stdout; errors of the command line on stderr.
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => (stderr += c.toString()));
    const url = new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /serving (http:\/\/[^ ]+)\/srv\.asmx/.exec(out);
        if (match) resolve(match[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}${stderr}`)));
    });
    const stop = () =>
      new Promise<number | null>((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      });
    return { url, stop, stderr: () => stderr };
  }

  test('keeps its tickets across a graceful restart', async () => {
    const file = path.join(directory(), 'tickets.snapshot');
    const first = start({ SNAPSHOT_FILE: file });
    const origin = await first.url;
    const ticket = await login(origin);
    const loggedOut = await login(origin);
    await httpGet(origin, 'LogOut', { AuthenticationTicket: loggedOut });
    expect(await first.stop()).toBe(0);
    expect(existsSync(file)).toBe(true);

    const second = start({ SNAPSHOT_FILE: file });
    const origin2 = await second.url;
    try {
      expect(
        rootAttribute(
          (await httpGet(origin2, 'isValidTicket', { AuthenticationTicket: ticket })).body,
          'success',
        ),
      ).toBe('true');
      expect(
        rootAttribute(
          (await httpGet(origin2, 'isValidTicket', { AuthenticationTicket: loggedOut })).body,
          'success',
        ),
      ).toBe('false');
    } finally {
      await second.stop();
    }
  });

  test('survives a truncated snapshot with a warning', async () => {
    const file = path.join(directory(), 'tickets.snapshot');
    writeFileSync(file, '{"format":"asmx-emulator-tickets","version":1}\n["0b1c2d3e-0000-4000-8000-00000000');
    const instance = start({ SNAPSHOT_FILE: file });
    const origin = await instance.url;
    try {
      expect(
        rootAttribute((await httpGet(origin, 'LogOut', { AuthenticationTicket: 'x' })).body, 'error'),
      ).toContain('[901]');
      expect(instance.stderr()).toContain('is truncated, starting empty');
    } finally {
      expect(await instance.stop()).toBe(0);
    }
  });
});
