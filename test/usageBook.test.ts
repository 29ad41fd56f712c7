/**
 * The switch-over report's book in-process (src/usage/usageBook.ts) and the clients of requests
 * (usageClient, sessionClient): one client object per connection and headers, and counts that
 * stay exact whichever client objects the calls come with. The HTTP side is test/usage.test.ts.
 */
import type { IncomingMessage } from 'node:http';
import { ManualClock } from '../src/clock';
import { sessionClient } from '../src/admin/sessionClient';
import { UsageBook, usageClient, type UsageCall, type UsageClient } from '../src/usage/usageBook';

const START = Date.UTC(2026, 10, 21, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function request(socket: object, headers: Record<string, string | undefined>): IncomingMessage {
  return { headers, socket } as unknown as IncomingMessage;
}

describe('the client of a request', () => {
  test('one object per connection while its headers stay the same', () => {
    const socket = { remoteAddress: '10.0.0.2' };
    const first = usageClient(request(socket, { 'user-agent': 'App' }), false);
    expect(first).toEqual({ userAgent: 'App', address: '10.0.0.2' });
    expect(usageClient(request(socket, { 'user-agent': 'App' }), false)).toBe(first);
    expect(usageClient(request(socket, { 'user-agent': 'Other' }), false)).toEqual({
      userAgent: 'Other',
      address: '10.0.0.2',
    });
    expect(usageClient(request({ remoteAddress: '10.0.0.3' }, { 'user-agent': 'App' }), false)).toEqual({
      userAgent: 'App',
      address: '10.0.0.3',
    });
  });

  test('behind a trusted proxy, each X-Forwarded-For counts', () => {
    const socket = { remoteAddress: '10.0.0.2' };
    const from = (forwarded: string | undefined, trustProxy: boolean) =>
      usageClient(request(socket, { 'user-agent': 'App', 'x-forwarded-for': forwarded }), trustProxy);
    expect(from('203.0.113.7, 10.0.0.2', true).address).toBe('203.0.113.7');
    expect(from('203.0.113.7, 10.0.0.2', false).address).toBe('10.0.0.2');
    expect(from('198.51.100.1', true).address).toBe('198.51.100.1');
    expect(from(undefined, true).address).toBe('10.0.0.2');
  });

  test("the sessions' client: the connection's address, the whole user agent", () => {
    const socket = { remoteAddress: '10.0.0.2' };
    const agent = 'a'.repeat(300);
    const first = sessionClient(request(socket, { 'user-agent': agent, 'x-forwarded-for': '203.0.113.7' }));
    expect(first).toEqual({ address: '10.0.0.2', userAgent: agent });
    expect(Object.keys(first)).toEqual(['address', 'userAgent']);
    expect(sessionClient(request(socket, { 'user-agent': agent }))).toBe(first);
    expect(sessionClient(request(socket, {}))).toEqual({ address: '10.0.0.2', userAgent: '' });
  });
});

describe('the book', () => {
  const calls = (book: UsageBook, client: UsageClient, overrides: Partial<UsageCall> = {}) =>
    book.record({
      client,
      service: '/srv.asmx',
      operation: 'LogOut',
      transport: 'soap11',
      answeredBy: 'built-in',
      shadowed: false,
      ...overrides,
    });

  test('repeat calls of one client object count in its rows; equal clients share them', () => {
    const clock = new ManualClock(START);
    const book = new UsageBook(clock, 'test');
    const client = { userAgent: 'App', address: '10.0.0.2' };
    calls(book, client);
    clock.advance(1000);
    calls(book, client);
    calls(book, client, { transport: 'http-get' });
    calls(book, client, { answeredBy: 'stub' });
    calls(book, client, { service: '/other.asmx', shadowed: true });
    calls(book, { ...client });
    calls(book, { userAgent: 'App', address: '10.0.0.9' });
    const rows = book
      .view()
      .rows.map((r) => [
        r.service,
        r.transport,
        r.answeredBy,
        r.client.address,
        r.calls,
        r.shadowed,
        r.firstSeen,
        r.lastSeen,
      ]);
    expect(rows).toEqual([
      ['/other.asmx', 'soap11', 'built-in', '10.0.0.2', 1, 1, iso(START + 1000), iso(START + 1000)],
      ['/srv.asmx', 'http-get', 'built-in', '10.0.0.2', 1, 0, iso(START + 1000), iso(START + 1000)],
      ['/srv.asmx', 'soap11', 'built-in', '10.0.0.2', 3, 0, iso(START), iso(START + 1000)],
      ['/srv.asmx', 'soap11', 'stub', '10.0.0.2', 1, 0, iso(START + 1000), iso(START + 1000)],
      ['/srv.asmx', 'soap11', 'built-in', '10.0.0.9', 1, 0, iso(START + 1000), iso(START + 1000)],
    ]);
  });

  test('the clock moved back: first and last seen stay the extremes', () => {
    const clock = new ManualClock(START);
    const book = new UsageBook(clock, 'test');
    const client = { userAgent: 'App', address: '10.0.0.2' };
    calls(book, client);
    clock.set(START - 60_000);
    calls(book, client);
    clock.set(START + 60_000);
    calls(book, client);
    expect(book.view().rows.map((r) => [r.calls, r.firstSeen, r.lastSeen])).toEqual([
      [3, iso(START - 60_000), iso(START + 60_000)],
    ]);
  });

  test('a clear starts again for clients seen before, and a full book still drops', () => {
    const clock = new ManualClock(START);
    const book = new UsageBook(clock, 'test', 1);
    const client = { userAgent: 'App', address: '10.0.0.2' };
    calls(book, client);
    calls(book, client, { operation: 'isValidTicket' });
    expect(book.view()).toMatchObject({ rowCount: 1, droppedCalls: 1 });
    book.clear();
    clock.advance(5000);
    calls(book, client, { operation: 'isValidTicket' });
    calls(book, client);
    calls(book, client, { operation: 'isValidTicket' });
    expect(book.view()).toMatchObject({ rowCount: 1, droppedCalls: 1 });
    expect(book.view().rows.map((r) => [r.operation, r.calls, r.firstSeen])).toEqual([
      ['isValidTicket', 2, iso(START + 5000)],
    ]);
  });
});
