/**
 * The journal's ring in-process (src/admin/journal.ts): what a recorded call is shown as (the same
 * fields, in the same order, as `/_emulator/requests` always answered), oldest first, bounded,
 * filtered and counted; tickets kept whatever their characters; a ticket equal to a secret kept
 * only as its hash. The HTTP side is test/adminJournal.test.ts.
 */
import { Journal, type JournalledCall } from '../src/admin/journal';
import { RedactionPlan } from '../src/admin/redactionPlan';
import { ticketHash } from '../src/admin/ticketHash';

const TRUSTED = 'MyServerSecret';
const secrets = new Set([TRUSTED]);
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const client = { address: '127.0.0.1', userAgent: 'nightly-script/1.0' };
const logOut = new RedactionPlan(['AuthenticationTicket'], 'AuthenticationTicket');

function call(overrides: Partial<JournalledCall> = {}): JournalledCall {
  return {
    service: '/srv.asmx',
    transport: 'soap11',
    operation: 'LogOut',
    outcome: 'E901',
    status: 200,
    durationMs: 0.123456,
    client,
    ...overrides,
  };
}

function addLogOut(journal: Journal, ticket: string, at = T0, overrides: Partial<JournalledCall> = {}) {
  const args = { AuthenticationTicket: ticket };
  journal.add(call(overrides), at, undefined, ticket, logOut.keep(args, secrets, ticket), undefined);
}

test('an entry: every field, in the order the answers always had', () => {
  const journal = new Journal(10, secrets);
  const ticket = 'abcdef0123456789abcdef0123456789';
  journal.add(
    call({ operation: 'RenewTicket', outcome: 'success' }),
    T0,
    'JSmith',
    ticket,
    new RedactionPlan(['UID', 'PWD', 'Lang', 'OldTicket'], 'OldTicket').keep(
      { UID: 'jsmith', PWD: 'Secret123!', Lang: 'en', OldTicket: ticket },
      secrets,
      ticket,
    ),
    'latency',
  );
  const [entry] = journal.query();
  expect(entry).toEqual({
    seq: 1,
    service: '/srv.asmx',
    operation: 'RenewTicket',
    transport: 'soap11',
    arguments: { UID: 'jsmith', PWD: '***', Lang: 'en', OldTicket: `#${ticketHash(ticket)}` },
    user: 'jsmith',
    ticketHash: ticketHash(ticket),
    outcome: 'success',
    status: 200,
    durationMs: 0.12,
    clientAddress: '127.0.0.1',
    userAgent: 'nightly-script/1.0',
    fault: 'latency',
    time: '2026-11-21T12:00:00.000Z',
  });
  expect(Object.keys(entry as object)).toEqual([
    'seq',
    'service',
    'operation',
    'transport',
    'arguments',
    'user',
    'ticketHash',
    'outcome',
    'status',
    'durationMs',
    'clientAddress',
    'userAgent',
    'fault',
    'time',
  ]);
});

test('a call without decoded arguments or ticket shows {} and nulls', () => {
  const journal = new Journal(10, secrets);
  journal.add(
    call({ operation: '-', outcome: 'P_SOAP_ACTION_UNKNOWN', status: 500 }),
    T0,
    '',
    '',
    undefined,
    undefined,
  );
  expect(journal.query()[0]).toMatchObject({ arguments: {}, user: null, ticketHash: null, fault: null });
});

test('a ring: the newest calls, oldest first; seq goes on after a clear', () => {
  const journal = new Journal(3, secrets);
  for (let i = 0; i < 5; i++) addLogOut(journal, `ticket-number-${i}`, T0 + i);
  expect(journal.query().map((e) => [e.seq, e.arguments.AuthenticationTicket])).toEqual(
    [2, 3, 4].map((i) => [i + 1, `#${ticketHash(`ticket-number-${i}`)}`]),
  );
  expect(journal.count()).toBe(3);
  journal.clear();
  expect(journal.query()).toEqual([]);
  expect(journal.count()).toBe(0);
  addLogOut(journal, 'after');
  expect(journal.query().map((e) => e.seq)).toEqual([6]);
});

test('filters and counts', () => {
  const journal = new Journal(10, secrets);
  addLogOut(journal, 'one', T0, { transport: 'http-get' });
  addLogOut(journal, 'two', T0 + 1000, { outcome: 'success', service: '/Srv.asmx' });
  journal.add(
    call({ operation: 'AuthenticateUser', outcome: 'success' }),
    T0 + 2000,
    'JSmith',
    '',
    {},
    undefined,
  );
  expect(journal.count({ operation: 'LogOut' })).toBe(2);
  expect(journal.count({ transport: 'http-get' })).toBe(1);
  expect(journal.count({ outcome: 'success' })).toBe(2);
  expect(journal.count({ service: '/SRV.ASMX' })).toBe(3);
  expect(journal.count({ user: 'jsmith' })).toBe(1);
  expect(journal.count({ since: T0 + 1000 })).toBe(2);
  expect(journal.query({ since: T0 + 1000, operation: 'LogOut' }).map((e) => e.seq)).toEqual([2]);
});

test('tickets of any characters, and longer than the columns, are kept', () => {
  const journal = new Journal(4, secrets);
  const tickets = ['', 'short', 'é'.repeat(64), '€uro-ticket', 'x'.repeat(64), 'y'.repeat(65)];
  for (const ticket of tickets) {
    journal.clear();
    addLogOut(journal, ticket);
    expect(journal.query()[0]?.ticketHash).toBe(ticket ? ticketHash(ticket) : null);
  }
});

test('a ticket equal to a secret is kept as its hash only', () => {
  const journal = new Journal(4, secrets);
  const args = { AuthenticationTicket: TRUSTED };
  journal.add(call(), T0, undefined, '', logOut.keep(args, secrets, TRUSTED), undefined, ticketHash(TRUSTED));
  expect(journal.query()[0]).toMatchObject({
    arguments: { AuthenticationTicket: `#${ticketHash(TRUSTED)}` },
    ticketHash: ticketHash(TRUSTED),
  });
});

test('JOURNAL_SIZE=0 keeps nothing', () => {
  const journal = new Journal(0, secrets);
  expect(journal.enabled).toBe(false);
  addLogOut(journal, 'ignored');
  expect(journal.query()).toEqual([]);
  expect(journal.count()).toBe(0);
});
