import { END_MESSAGE_GRACE_MS, SessionRegistry, type EndReason } from '../src/admin/sessionRegistry';
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
