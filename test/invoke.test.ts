import path from 'node:path';
import { DAY_MS, ManualClock } from '../src/clock';
import type { OperationModel } from '../src/contract/model';
import { loadWsdl } from '../src/contract/readWsdl';
import type { Answerer, CallFacts } from '../src/services/answerer';
import { SoapFault, type HandlerContext } from '../src/services/handlerApi';
import { invoke, type Invoked, type InvokeDependencies } from '../src/services/invoke';
import { UNHANDLED } from '../src/services/unhandled';
import { MemoryTicketStore } from '../src/tickets/MemoryTicketStore';
import type { TicketStore } from '../src/tickets/TicketStore';
import { UserDirectory } from '../src/users/userDirectory';

// invoke() behind the ticket guard: a call the memory store checks and a stub or handler answers
// at once is answered at once (no promise); whatever waits (a store that only has touch, a
// handler's promise) is waited for, with the same outcomes either way.
const model = loadWsdl(path.join(__dirname, '../examples/inforouter-documents/srv-full.wsdl'));
const operation = model.byName.get('GetDocumentInfo') as OperationModel;
const facts: CallFacts = { transport: 'soap11', cookieTicket: undefined };

function setUp() {
  const clock = new ManualClock(Date.UTC(2026, 11, 1));
  const store = new MemoryTicketStore({ ttlMs: 30 * DAY_MS, maxTickets: 100, clock });
  const handlerErrors: unknown[] = [];
  const deps = (over: TicketStore = store): InvokeDependencies => ({
    store: over,
    users: new UserDirectory([]),
    clock,
    onHandlerError: (_operation, error) => handlerErrors.push(error),
  });
  return { clock, store, deps, handlerErrors };
}

const stub = (call: (args: unknown, context: HandlerContext) => unknown): Answerer => ({
  source: 'stub',
  call,
});
const run = (answerers: Answerer[], deps: InvokeDependencies, ticket: string) =>
  invoke('/srv.asmx', operation, answerers, { authenticationTicket: ticket, path: '/a' }, facts, deps);

test('a live ticket and a stub that answers at once: the outcome at once, the ticket used', async () => {
  const { store, clock, deps } = setUp();
  const { ticket, expiresAt } = await store.issue('jsmith');
  clock.advance(DAY_MS);
  const seen: HandlerContext[] = [];
  const answered = run([stub((_args, context) => (seen.push(context), { Name: 'a' }))], deps(), ticket);
  expect(answered).not.toBeInstanceOf(Promise);
  expect(answered).toEqual({
    outcome: { kind: 'value', value: { Name: 'a' }, code: 'success' },
    answeredBy: 'stub',
  });
  expect(seen[0]).toMatchObject({ ticket, user: { username: 'jsmith' }, operation: 'GetDocumentInfo' });
  // The guard slid the ticket's window.
  expect((await store.peek(ticket))?.expiresAt).toBe(expiresAt + DAY_MS);
});

test('a dead ticket is refused at once, and no answerer runs', () => {
  const { deps } = setUp();
  const calls: unknown[] = [];
  const refused = run([stub((args) => calls.push(args))], deps(), '00000000-0000-4000-8000-000000000000');
  expect(refused).not.toBeInstanceOf(Promise);
  expect((refused as Invoked).outcome).toMatchObject({ kind: 'fault', faultCode: 'Client', code: 'E901' });
  expect(calls).toEqual([]);
});

test('a store that only has touch is waited for, with the same outcomes', async () => {
  const { store, deps } = setUp();
  const { ticket } = await store.issue('jsmith');
  const touchOnly = { touch: (held: string) => store.touch(held) } as unknown as TicketStore;
  const waited = run([stub(() => ({ Name: 'a' }))], deps(touchOnly), ticket);
  expect(waited).toBeInstanceOf(Promise);
  expect(await waited).toEqual(run([stub(() => ({ Name: 'a' }))], deps(), ticket));
  const dead = run([stub(() => ({ Name: 'a' }))], deps(touchOnly), 'gone');
  expect(await dead).toEqual(run([stub(() => ({ Name: 'a' }))], deps(), 'gone'));
});

test('a stub whose rules do not match passes the call on, at once or once its promise settles', async () => {
  const { store, deps } = setUp();
  const { ticket } = await store.issue('jsmith');
  const second = stub(() => ({ Name: 'second' }));
  const atOnce = run([stub(() => UNHANDLED), second], deps(), ticket);
  expect(atOnce).not.toBeInstanceOf(Promise);
  expect((atOnce as Invoked).outcome).toMatchObject({ value: { Name: 'second' } });
  const later = run([stub(async () => UNHANDLED), second], deps(), ticket);
  expect(later).toBeInstanceOf(Promise);
  expect((await later).outcome).toMatchObject({ value: { Name: 'second' } });
  expect(run([stub(() => UNHANDLED)], deps(), ticket)).toEqual({
    outcome: expect.objectContaining({ code: 'P_NOT_IMPLEMENTED' }),
    answeredBy: 'not-implemented',
  });
});

test("a handler's SoapFault is its fault; any other error is logged and thrown, at once or as a rejection", async () => {
  const { store, deps, handlerErrors } = setUp();
  const { ticket } = await store.issue('jsmith');
  const faulted = run(
    [
      stub(() => {
        throw new SoapFault('[1001] no such document');
      }),
    ],
    deps(),
    ticket,
  );
  expect((faulted as Invoked).outcome).toMatchObject({ kind: 'fault', message: '[1001] no such document' });
  const boom = new Error('boom');
  expect(() =>
    run(
      [
        stub(() => {
          throw boom;
        }),
      ],
      deps(),
      ticket,
    ),
  ).toThrow(boom);
  await expect(run([stub(() => Promise.reject(boom))], deps(), ticket)).rejects.toBe(boom);
  expect(handlerErrors).toEqual([boom, boom]);
});
