import {
  END_MESSAGE_GRACE_MS,
  MAX_TRACKED_SESSIONS,
  SessionRegistry,
  type EndReason,
} from '../src/admin/sessionRegistry';
import { ticketHash } from '../src/admin/ticketHash';
import type { TicketInfo } from '../src/tickets/TicketStore';

// Unit tests of how the registry tells an expiry from an end elsewhere: the store only says
// "gone", and another instance's "ended here" message follows its answer.
const DAY = 86_400_000;
const client = { address: '127.0.0.1', userAgent: 'script/1.0' };

function setUp() {
  const ends: EndReason[] = [];
  const registry = new SessionRegistry((reason) => ends.push(reason), 30 * DAY);
  const live = new Map<string, TicketInfo>();
  const peek = async (ticket: string) => live.get(ticket);
  return { ends, registry, live, peek };
}

test('a ticket gone before its expiry waits for the other instance, which says LogOut', async () => {
  const { ends, registry, live, peek } = setUp();
  registry.opened('T1', 'jsmith', 'AuthenticateUser', client, 1000);
  live.set('T1', { userKey: 'jsmith', expiresAt: 1000 + 30 * DAY });
  expect(await registry.sweep(peek, 2000, 0)).toHaveLength(1);

  live.delete('T1'); // a LogOut on another instance; its message has not arrived yet
  expect(await registry.sweep(peek, 3000, 10)).toEqual([]);
  expect(registry.report(3000, DAY).totals).toMatchObject({ open: 0, expiredWithoutLogout: 0, loggedOut: 0 });
  expect(ends).toEqual([]);

  registry.ended('T1', 'logout');
  expect(ends).toEqual(['logout']);
  expect(registry.report(3000, DAY).totals).toMatchObject({ loggedOut: 1, expiredWithoutLogout: 0 });
});

test('with no message within the grace, the early end counts as an eviction', async () => {
  const { ends, registry, peek } = setUp();
  registry.opened('T2', 'jsmith', 'AuthenticateUser', client, 1000);
  await registry.sweep(peek, 2000, 50);
  await registry.sweep(peek, 2000, 50 + END_MESSAGE_GRACE_MS - 1);
  expect(ends).toEqual([]);
  await registry.sweep(peek, 2000, 50 + END_MESSAGE_GRACE_MS);
  expect(ends).toEqual(['evicted']);
  expect(registry.report(2000, DAY).totals).toMatchObject({ evictedWithoutLogout: 1, open: 0 });
});

test('a ticket gone once its window since the last use has passed expired, at once', async () => {
  const { ends, registry, peek } = setUp();
  registry.opened('T3', 'jsmith', 'AuthenticateUser', client, 1000);
  registry.used('T3', 5 * DAY);
  await registry.sweep(peek, 5 * DAY + 30 * DAY - 1, 0);
  expect(ends).toEqual([]);
  await registry.sweep(peek, 5 * DAY + 30 * DAY, 0);
  expect(ends).toEqual(['expired']);
});

test('a ticket seen alive again is no longer taken for ended', async () => {
  const { ends, registry, live, peek } = setUp();
  registry.opened('T4', 'jsmith', 'AuthenticateUser', client, 1000);
  await registry.sweep(peek, 2000, 0); // gone for a moment (a restore, a failover)
  live.set('T4', { userKey: 'jsmith', expiresAt: 1000 + 30 * DAY });
  expect(await registry.sweep(peek, 2000, 1)).toHaveLength(1);
  live.delete('T4');
  await registry.sweep(peek, 2000, END_MESSAGE_GRACE_MS); // the grace starts again here
  expect(ends).toEqual([]);
  expect(registry.report(2000, DAY).totals).toMatchObject({ open: 0 });
});

test('a full registry follows the newest sessions: each sign-in lets go of the oldest still open', () => {
  const ended: string[] = [];
  const registry = new SessionRegistry((_reason, session) => ended.push(session.ticket), 30 * DAY);
  for (let i = 0; i < MAX_TRACKED_SESSIONS; i++)
    registry.opened(`T${i}`, 'jsmith', 'AuthenticateUser', client, i);
  registry.ended('T0', 'logout');
  registry.ended('T2', 'logout');
  registry.opened('N1', 'jsmith', 'AuthenticateUser', client, 1);
  registry.opened('N2', 'jsmith', 'AuthenticateUser', client, 1); // full again
  expect(registry.report(2, DAY).untracked).toBe(0);
  registry.opened('N3', 'jsmith', 'AuthenticateUser', client, 1);
  expect(registry.resolve('T1')).toBeUndefined();
  expect(registry.resolve('T3')).toBe('T3');
  registry.opened('N4', 'jsmith', 'AuthenticateUser', client, 1);
  expect(registry.resolve('T3')).toBeUndefined();
  expect(registry.resolve('T4')).toBe('T4');
  // A session let go of and opened again is followed as the newest.
  registry.opened('T1', 'jsmith', 'AuthenticateUser', client, 2);
  // T5 to the last T go, and N1 is the oldest left.
  for (let i = 5; i < MAX_TRACKED_SESSIONS; i++) {
    registry.opened(`M${i}`, 'jsmith', 'AuthenticateUser', client, 3);
  }
  expect(registry.resolve(`T${MAX_TRACKED_SESSIONS - 1}`)).toBeUndefined();
  expect(registry.resolve('T1')).toBe('T1');
  expect(registry.resolve('N1')).toBe('N1');
  registry.opened('M0', 'jsmith', 'AuthenticateUser', client, 3);
  expect(registry.resolve('N1')).toBeUndefined();
  expect(registry.resolve('N2')).toBe('N2');
  const report = registry.report(4, DAY);
  expect(report.untracked).toBe(MAX_TRACKED_SESSIONS - 1);
  expect(report.totals).toMatchObject({ open: MAX_TRACKED_SESSIONS, loggedOut: 2 });
  expect(ended).toEqual(['T0', 'T2']);
});

test('the registry keeps following in order after a reset, and after filling up again', () => {
  const registry = new SessionRegistry(() => undefined, 30 * DAY);
  for (let i = 0; i < MAX_TRACKED_SESSIONS + 10; i++) registry.opened(`A${i}`, 'jsmith', 'op', client, i);
  registry.reset();
  for (let i = 0; i < MAX_TRACKED_SESSIONS + 1; i++) registry.opened(`B${i}`, 'jsmith', 'op', client, i);
  expect(registry.resolve('B0')).toBeUndefined();
  expect(registry.resolve('B1')).toBe('B1');
  expect(registry.resolve('A20')).toBeUndefined();
  expect(registry.report(0, DAY).untracked).toBe(1);
});

test('the users of the last 1,024 ended sessions are remembered, oldest forgotten first', () => {
  const registry = new SessionRegistry(() => undefined, 30 * DAY);
  for (let i = 0; i < 1100; i++) registry.opened(`E${i}`, `user${i}`, 'op', client, i);
  for (let i = 0; i < 1100; i++) registry.ended(`E${i}`, 'logout');
  expect(registry.userOf('E75')).toBeUndefined();
  expect(registry.userOf('E76')).toBe('user76');
  expect(registry.userOf('E1099')).toBe('user1099');
  const { totals, byClient, byUser } = registry.report(0, DAY);
  expect(totals.loggedOut).toBe(1100);
  expect(byClient).toEqual([{ client, ...totals }]);
  expect(byUser).toHaveLength(1100);
});

test('ends are counted by the client that opened the session and by its user', () => {
  const registry = new SessionRegistry(() => undefined, 30 * DAY);
  const other = { address: '10.0.0.2', userAgent: 'script/1.0' };
  registry.opened('C1', 'jsmith', 'op', client, 0);
  registry.opened('C2', 'jsmith', 'op', other, 0);
  registry.opened('C3', 'mjones', 'op', other, 0);
  registry.ended('C1', 'logout');
  registry.ended('C2', 'expired');
  registry.ended('C3', 'admin');
  registry.ended('C3', 'logout'); // no longer followed: nothing more counted
  const report = registry.report(0, DAY);
  expect(report.byClient).toEqual([
    expect.objectContaining({ client, loggedOut: 1, expiredWithoutLogout: 0 }),
    expect.objectContaining({ client: other, expiredWithoutLogout: 1, endedByAdmin: 1, loggedOut: 0 }),
  ]);
  expect(report.byUser).toEqual([
    expect.objectContaining({ user: 'jsmith', loggedOut: 1, expiredWithoutLogout: 1 }),
    expect.objectContaining({ user: 'mjones', endedByAdmin: 1 }),
  ]);
});

test('a followed session is found by its hash (with or without #, in any case), before and after the first look-up', () => {
  const registry = new SessionRegistry(() => undefined, 30 * DAY);
  registry.opened('H1', 'jsmith', 'op', client, 0);
  registry.opened('H2', 'jsmith', 'op', client, 0);
  expect(registry.resolve(`#${ticketHash('H1').toUpperCase()}`)).toBe('H1');
  expect(registry.resolve(ticketHash('H2'))).toBe('H2');
  registry.opened('H3', 'jsmith', 'op', client, 0); // after the first look-up by hash
  expect(registry.resolve(`#${ticketHash('H3')}`)).toBe('H3');
  registry.ended('H1', 'logout');
  expect(registry.resolve(ticketHash('H1'))).toBeUndefined();
  expect(registry.resolve('H2')).toBe('H2');
  expect(registry.resolve('0c9d3e5f-5b8a-4d3e-9d1a-2f4b6c8e0a1b')).toBeUndefined();
  expect(registry.resolve('#')).toBeUndefined();
  registry.reset();
  expect(registry.resolve(ticketHash('H2'))).toBeUndefined();
  registry.opened('H2', 'jsmith', 'op', client, 0);
  expect(registry.resolve(ticketHash('H2'))).toBe('H2');
});

test('a session the full registry lets go of is no longer found by its hash', () => {
  const registry = new SessionRegistry(() => undefined, 30 * DAY);
  for (let i = 0; i < MAX_TRACKED_SESSIONS; i++) registry.opened(`F${i}`, 'jsmith', 'op', client, i);
  expect(registry.resolve(ticketHash('F0'))).toBe('F0');
  registry.opened('G1', 'jsmith', 'op', client, 1);
  expect(registry.resolve(ticketHash('F0'))).toBeUndefined();
  expect(registry.resolve(ticketHash('F1'))).toBe('F1');
  expect(registry.resolve(ticketHash('G1'))).toBe('G1');
});

test('clients alike but not the same object are counted as one', () => {
  const registry = new SessionRegistry(() => undefined, 30 * DAY);
  registry.opened('K1', 'jsmith', 'op', { ...client }, 0);
  registry.opened('K2', 'jsmith', 'op', { ...client }, 0);
  registry.opened('K3', 'jsmith', 'op', client, 0);
  registry.ended('K1', 'logout');
  registry.ended('K2', 'expired');
  expect(registry.report(0, DAY).byClient).toEqual([
    {
      client,
      loggedOut: 1,
      expiredWithoutLogout: 1,
      evictedWithoutLogout: 0,
      endedByAdmin: 0,
      open: 1,
      openIdle: 0,
    },
  ]);
});
