import { DAY_MS, ManualClock } from '../src/clock';
import { MemoryTicketStore, type RevocationRecorder } from '../src/tickets/MemoryTicketStore';
import { StoreUnavailableError } from '../src/tickets/TicketStore';

// The memory store's revoke: the LogOut success path takes no async detour, and keeps every
// guarantee of the slower one (one winner, expiry, the revocation log's durability).
function newStore(clock = new ManualClock(Date.UTC(2026, 10, 21)), evicted: string[] = []) {
  return new MemoryTicketStore({
    ttlMs: 30 * DAY_MS,
    maxTickets: 3,
    clock,
    onEvict: (ticket) => evicted.push(ticket),
  });
}

/** A recorder whose appends wait for the test, each answered in turn. */
function gatedRecorder() {
  const pending: { ticket: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  const recorder: RevocationRecorder = {
    append: (ticket) => new Promise<void>((resolve, reject) => pending.push({ ticket, resolve, reject })),
  };
  return { recorder, pending };
}

test('a live ticket is revoked once: its user, then undefined, and it is dead everywhere', async () => {
  const store = newStore();
  const { ticket } = await store.issue('jsmith');
  const revoking = store.revoke(ticket);
  // Dead at once, before the caller sees the answer.
  expect(await store.peek(ticket)).toBeUndefined();
  expect(await revoking).toBe('jsmith');
  expect(await store.revoke(ticket)).toBeUndefined();
  expect(await store.touch(ticket)).toBeUndefined();
  expect(await store.size()).toBe(0);
});

test('of concurrent revokes of one ticket exactly one gets the user', async () => {
  const store = newStore();
  const { ticket } = await store.issue('jsmith');
  const results = await Promise.all([store.revoke(ticket), store.revoke(ticket), store.revoke(ticket)]);
  expect(results.filter((user) => user === 'jsmith')).toHaveLength(1);
  expect(results.filter((user) => user === undefined)).toHaveLength(2);
});

test('an expired ticket not yet purged is no logout', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 21));
  const store = newStore(clock);
  const { ticket } = await store.issue('jsmith');
  clock.advance(30 * DAY_MS + 1);
  expect(await store.revoke(ticket)).toBeUndefined();
});

test('revoking is not an eviction: the eviction callback hears only of the bound', async () => {
  const evicted: string[] = [];
  const store = newStore(undefined, evicted);
  const first = (await store.issue('a')).ticket;
  const second = (await store.issue('b')).ticket;
  expect(await store.revoke(second)).toBe('b');
  expect(evicted).toEqual([]);
  await store.issue('c');
  await store.issue('d');
  await store.issue('e'); // a fourth live ticket: the least recently used goes
  expect(evicted).toEqual([first]);
});

test('with a revocation log the success waits for the record; a concurrent revoke answers [901] only after it', async () => {
  const store = newStore();
  const { recorder, pending } = gatedRecorder();
  store.useRevocationLog(recorder);
  const { ticket } = await store.issue('jsmith');
  const settled: string[] = [];
  const first = store.revoke(ticket).then((user) => settled.push(`first ${user}`));
  const second = store.revoke(ticket).then((user) => settled.push(`second ${user}`));
  await new Promise((resolve) => setImmediate(resolve));
  expect(pending.map((p) => p.ticket)).toEqual([ticket]);
  expect(settled).toEqual([]);
  expect(await store.peek(ticket)).toBeUndefined();
  pending[0]?.resolve();
  await Promise.all([first, second]);
  expect(settled).toEqual(['first jsmith', 'second undefined']);
});

test('a failed record rejects the LogOut; a retry records again and succeeds', async () => {
  const store = newStore();
  const { recorder, pending } = gatedRecorder();
  store.useRevocationLog(recorder);
  const { ticket } = await store.issue('jsmith');
  const failing = store.revoke(ticket);
  await new Promise((resolve) => setImmediate(resolve));
  pending[0]?.reject(new Error('disk full'));
  await expect(failing).rejects.toBeInstanceOf(StoreUnavailableError);
  // Dead here, not yet durable: the retry takes the revocation over.
  expect(await store.peek(ticket)).toBeUndefined();
  const retry = store.revoke(ticket);
  await new Promise((resolve) => setImmediate(resolve));
  expect(pending).toHaveLength(2);
  pending[1]?.resolve();
  expect(await retry).toBe('jsmith');
  expect(await store.revoke(ticket)).toBeUndefined();
});

test('a recorder that throws at once rejects the LogOut rather than throwing at the caller', async () => {
  const store = newStore();
  store.useRevocationLog({
    append: () => {
      throw new Error('log closed');
    },
  });
  const { ticket } = await store.issue('jsmith');
  let revoking: Promise<string | undefined> | undefined;
  expect(() => (revoking = store.revoke(ticket))).not.toThrow();
  await expect(revoking).rejects.toThrow('log closed');
});

test('revokeAtOnce answers at once without a revocation log, and its record promise with one', async () => {
  const store = newStore();
  const { ticket } = await store.issue('jsmith');
  expect(store.revokeAtOnce(ticket)).toBe('jsmith');
  expect(store.revokeAtOnce(ticket)).toBeUndefined();
  const { recorder, pending } = gatedRecorder();
  store.useRevocationLog(recorder);
  const logged = (await store.issue('jdoe')).ticket;
  const revoking = store.revokeAtOnce(logged);
  expect(revoking).toBeInstanceOf(Promise);
  // Dead at once, acknowledged once recorded.
  expect(await store.peek(logged)).toBeUndefined();
  pending[0]?.resolve();
  expect(await revoking).toBe('jdoe');
});
