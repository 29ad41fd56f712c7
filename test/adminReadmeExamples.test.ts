/** The README's two jest examples of EmulatorAdmin, with a tiny "script under test" filled in. */
import { EmulatorAdmin } from '../src/index';
import { httpGet, login } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

let server: TestServer;
let admin: EmulatorAdmin;
beforeAll(async () => {
  server = await startTestServer();
  admin = new EmulatorAdmin(server.origin);
});
afterAll(() => server.close());
beforeEach(() => admin.reset());

const runSignIn = () => login(server.origin);
const runNextCall = async (ticket: string) =>
  (await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket })).body;
const runScript = async (logOut: boolean) => {
  const ticket = await runSignIn();
  if (logOut) await runNextCall(ticket);
};

test('a session unused for 31 days is gone', async () => {
  const ticket = await runSignIn();
  await admin.advanceClock('P31D');
  const answer = await runNextCall(ticket);
  expect(answer).toContain('[901] Session expired or Invalid ticket');
});

test('the script logs out every ticket it opened', async () => {
  await runScript(true);
  const report = await admin.leakReport();
  expect(report.totals).toMatchObject({ expiredWithoutLogout: 0, evictedWithoutLogout: 0, open: 0 });
  expect(await admin.countRequests({ operation: 'LogOut', outcome: 'success' })).toBe(
    report.totals.loggedOut,
  );
});

test('the same assertion catches a script that leaves its session open', async () => {
  await runScript(false);
  expect((await admin.leakReport()).totals).toMatchObject({ open: 1, loggedOut: 0 });
  await admin.advanceClock('P31D');
  expect((await admin.leakReport()).totals).toMatchObject({ open: 0, expiredWithoutLogout: 1 });
});
