import { DAY_MS, ManualClock } from '../src/clock';
import { logOut } from '../src/operations/logOut';
import type { LogoutEvent, OperationContext } from '../src/operations/types';
import { sessionAnswerers } from '../src/services/sessionService';
import { MemoryTicketStore } from '../src/tickets/MemoryTicketStore';
import type { TicketStore } from '../src/tickets/TicketStore';
import { UserDirectory } from '../src/users/userDirectory';

// The LogOut operation on its own: its success outcome is one shared object, which must still
// say whether the ended session was the `ticket` cookie's, and must not be changed by a caller.
function setUp(onLogout?: (event: LogoutEvent) => void) {
  const clock = new ManualClock(Date.UTC(2026, 10, 21));
  const store = new MemoryTicketStore({ ttlMs: 30 * DAY_MS, maxTickets: 100, clock });
  const context: OperationContext = {
    store,
    users: new UserDirectory([]),
    clock,
    trustedPassword: '',
    ...(onLogout ? { onLogout } : {}),
  };
  return { store, context };
}

test('a LogOut by parameter succeeds once, tells onLogout, and does not end a cookie session', async () => {
  const events: LogoutEvent[] = [];
  const { store, context } = setUp((event) => events.push(event));
  const { ticket } = await store.issue('jsmith');
  const input = { params: { AuthenticationTicket: ticket }, cookieTicket: undefined };
  const outcome = await logOut(input, context);
  expect(outcome).toEqual({ ok: true, attributes: [['success', 'true']], endedCookieSession: false });
  expect(events).toEqual([{ ticket, userKey: 'jsmith' }]);
  expect(await logOut(input, context)).toMatchObject({ ok: false, error: { code: 'E901' } });
  expect(events).toHaveLength(1);
});

test('a LogOut by the ticket cookie says so; by parameter with a cookie beside it, not', async () => {
  const { store, context } = setUp();
  const byCookie = (await store.issue('jsmith')).ticket;
  expect(
    await logOut({ params: { AuthenticationTicket: '' }, cookieTicket: byCookie }, context),
  ).toMatchObject({
    ok: true,
    endedCookieSession: true,
  });
  const byParameter = (await store.issue('jsmith')).ticket;
  const other = (await store.issue('jsmith')).ticket;
  expect(
    await logOut({ params: { AuthenticationTicket: byParameter }, cookieTicket: other }, context),
  ).toMatchObject({ ok: true, endedCookieSession: false });
});

test('the shared success outcome cannot be changed by whoever receives it', async () => {
  const { store, context } = setUp();
  const input = async () => ({
    params: { AuthenticationTicket: (await store.issue('jsmith')).ticket },
    cookieTicket: undefined,
  });
  const first = await logOut(await input(), context);
  const second = await logOut(await input(), context);
  expect(second).toBe(first);
  expect(Object.isFrozen(first)).toBe(true);
  if (!first.ok) throw new Error('expected a success');
  expect(Object.isFrozen(first.attributes)).toBe(true);
  expect(Object.isFrozen(first.attributes[0])).toBe(true);
});

test('a failing onLogout never turns the done LogOut into an error', async () => {
  const { store, context } = setUp(() => {
    throw new Error('metrics down');
  });
  const { ticket } = await store.issue('jsmith');
  const input = { params: { AuthenticationTicket: ticket }, cookieTicket: undefined };
  expect(await logOut(input, context)).toMatchObject({ ok: true });
  expect(await store.peek(ticket)).toBeUndefined();
});

test('the built-in answerer gives LogOut success the shared `<root success="true" />` outcome', async () => {
  const { store, context } = setUp();
  const answerer = sessionAnswerers(context).get('LogOut');
  const run = async (cookieTicket?: string, parameter?: string) =>
    answerer?.run(
      { AuthenticationTicket: parameter ?? (await store.issue('jsmith')).ticket },
      { transport: 'soap11', cookieTicket },
    );
  const plain = await run();
  expect(plain).toMatchObject({
    kind: 'value',
    code: 'success',
    value: { name: 'root', attributes: [['success', 'true']] },
  });
  expect(plain).not.toHaveProperty('endedCookieSession');
  expect(await run()).toBe(plain);
  const cookie = (await store.issue('jsmith')).ticket;
  expect(await run(cookie, '')).toMatchObject({ kind: 'value', code: 'success', endedCookieSession: true });
});

test('on the memory store a LogOut answers at once; a store that only has revoke, once it settles', async () => {
  const events: LogoutEvent[] = [];
  const { store, context } = setUp((event) => events.push(event));
  const { ticket } = await store.issue('jsmith');
  const input = { params: { AuthenticationTicket: ticket }, cookieTicket: undefined };
  // No promise: the answer goes out in the turn the request arrived.
  const done = logOut(input, context);
  expect(done).not.toBeInstanceOf(Promise);
  expect(done).toMatchObject({ ok: true });
  expect(events).toEqual([{ ticket, userKey: 'jsmith' }]);
  const again = logOut(input, context);
  expect(again).not.toBeInstanceOf(Promise);
  expect(again).toMatchObject({ ok: false, error: { code: 'E901' } });

  // A store without revokeAtOnce (Redis, a store of the user's) is waited for, with the same outcomes.
  const second = (await store.issue('jsmith')).ticket;
  const revokeOnly: OperationContext = {
    ...context,
    store: { revoke: (held: string) => store.revoke(held) } as unknown as TicketStore,
  };
  const waited = logOut({ params: { AuthenticationTicket: second }, cookieTicket: undefined }, revokeOnly);
  expect(waited).toBeInstanceOf(Promise);
  expect(await waited).toMatchObject({ ok: true });
  expect(events).toEqual([
    { ticket, userKey: 'jsmith' },
    { ticket: second, userKey: 'jsmith' },
  ]);
  expect(
    await logOut({ params: { AuthenticationTicket: second }, cookieTicket: undefined }, revokeOnly),
  ).toMatchObject({
    ok: false,
    error: { code: 'E901' },
  });
});
