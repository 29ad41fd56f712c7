/**
 * The steering dashboard in Debian's Chromium (playwright-core): sign in through the help page's
 * test form, see the session appear on the already open dashboard (it refreshes itself), advance
 * the clock 31 days through the dashboard's form, see the session expire and show in the leak
 * report as expired without LogOut. Any console or page error fails the test; screenshots go to
 * test-output/. Also: the page reads whole without JavaScript, and its forms post back to it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { ticketHash } from '../src/admin/ticketHash';
import { PACKAGE_ROOT } from '../src/config';
import { EmulatorAdmin } from '../src/index';
import { httpRequest, login, rootAttribute } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

jest.setTimeout(90_000);

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT_DIR = path.join(PACKAGE_ROOT, 'test-output');
let server: TestServer;
let admin: EmulatorAdmin;
let browser: Browser;
const browserErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run node scripts/ensure-system-deps.mjs`);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  server = await startTestServer();
  admin = new EmulatorAdmin(server.origin);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  browserErrors.length = 0;
  await admin.reset();
});

async function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  context.on('page', (page) => {
    page.on('console', (m) => m.type() === 'error' && browserErrors.push(`${page.url()}: ${m.text()}`));
    page.on('pageerror', (error) => browserErrors.push(`${page.url()}: ${error.message}`));
  });
  return context;
}

test('sign in, see the session, advance the clock 31 days, see it expire without LogOut', async () => {
  const context = await newContext({ viewport: { width: 1280, height: 900 } });
  const dashboard = await context.newPage();
  await dashboard.goto(`${server.origin}/_emulator/`);
  await expect(dashboard.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
    'asmx-emulator: steering',
  );
  await expect(dashboard.locator('#sessions').innerText()).resolves.toContain('No live session');

  // Sign in through the help page's AuthenticateUser form, in another tab.
  const help = await context.newPage();
  await help.goto(`${server.origin}/srv.asmx?op=AuthenticateUser`);
  await help.getByLabel('UID').fill('jsmith');
  await help.getByLabel('PWD').fill('Secret123!');
  const [popup, response] = await Promise.all([
    context.waitForEvent('page'),
    context.waitForEvent('response', (r) => r.url().endsWith('/srv.asmx/AuthenticateUser')),
    help.getByRole('button', { name: 'Invoke' }).click(),
  ]);
  const ticket = rootAttribute(await response.text(), 'ticket') as string;
  expect(ticket).toBeTruthy();
  await popup.close();

  // The open dashboard refreshes itself: the session appears without a reload.
  const row = dashboard.locator('#sessions tr', { hasText: `#${ticketHash(ticket)}` });
  await row.waitFor({ timeout: 15_000 });
  await expect(row.innerText()).resolves.toContain('jsmith');
  await expect(row.innerText()).resolves.toContain('AuthenticateUser');
  await dashboard.screenshot({ path: path.join(OUTPUT_DIR, 'dashboard-session.png'), fullPage: true });

  // Advance the clock 31 days through the dashboard's form (P31D is its default).
  const advanceForm = dashboard.getByRole('form', { name: 'Advance the clock' });
  await expect(advanceForm.getByLabel('Advance by (ISO-8601)').inputValue()).resolves.toBe('P31D');
  await Promise.all([
    dashboard.waitForURL(/\/_emulator\/\?notice=/),
    advanceForm.getByRole('button', { name: 'Advance the clock' }).click(),
  ]);
  await expect(dashboard.locator('.notice').innerText()).resolves.toContain('clock advanced by P31D');
  await expect(dashboard.locator('#clock').innerText()).resolves.toContain('2026-12-22');

  // The session expired, and the leak report says so.
  await expect(dashboard.locator('#sessions').innerText()).resolves.toContain('No live session');
  const userRow = dashboard.locator('#report tr', { hasText: 'user jsmith' });
  const cells = await userRow.locator('td').allInnerTexts();
  // logged out, expired without LogOut, evicted, by admin, open, idle
  expect(cells.slice(1)).toEqual(['0', '1', '0', '0', '0', '0']);
  await dashboard.screenshot({ path: path.join(OUTPUT_DIR, 'dashboard-expired.png'), fullPage: true });
  expect(
    rootAttribute(
      (await httpRequest(server.origin, `/srv.asmx/isValidTicket?AuthenticationTicket=${ticket}`)).body,
      'success',
    ),
  ).toBe('false');
  expect(browserErrors).toEqual([]);
  await context.close();
});

test('without JavaScript: everything reads, and the forms arm a fault, end a session and reset', async () => {
  const context = await newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const ticket = await login(server.origin);
  await page.goto(`${server.origin}/_emulator/`);
  await expect(page.locator('#sessions').innerText()).resolves.toContain(`#${ticketHash(ticket)}`);
  await expect(page.locator('#journal').innerText()).resolves.toContain('AuthenticateUser');

  const faultForm = page.getByRole('form', { name: 'Arm a fault' });
  await faultForm.getByLabel('Fault').selectOption('store-unavailable');
  await faultForm.getByLabel('Operation').fill('LogOut');
  await faultForm.getByLabel('Times').fill('2');
  await Promise.all([
    page.waitForURL(/notice=/),
    faultForm.getByRole('button', { name: 'Arm the fault' }).click(),
  ]);
  await expect(page.locator('#faults').innerText()).resolves.toMatch(
    /store-unavailable\s+any\s+LogOut\s+any\s+2/,
  );
  expect(await admin.faults()).toMatchObject([
    { fault: 'store-unavailable', operation: 'LogOut', remaining: 2 },
  ]);

  await Promise.all([page.waitForURL(/notice=/), page.getByRole('button', { name: 'End session' }).click()]);
  await expect(page.locator('.notice').innerText()).resolves.toContain(`#${ticketHash(ticket)} ended`);
  expect(await admin.sessions()).toEqual([]);
  expect((await admin.leakReport()).totals.endedByAdmin).toBe(1);

  await Promise.all([page.waitForURL(/notice=/), page.getByRole('button', { name: /^Reset/ }).click()]);
  expect(await admin.faults()).toEqual([]);
  await page.screenshot({ path: path.join(OUTPUT_DIR, 'dashboard-no-js.png'), fullPage: true });
  expect(browserErrors).toEqual([]);
  await context.close();
});

test('a form post from another site is refused (403) and changes nothing', async () => {
  const res = await httpRequest(server.origin, '/_emulator/reset', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
    body: '',
  });
  expect(res.status).toBe(403);
  const noOrigin = await httpRequest(server.origin, '/_emulator/clock', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'advance=P1D',
  });
  expect(noOrigin.status).toBe(403);
  expect((await admin.clock()).real).toBe(true);
});

test('the page has no external asset and a strict Content-Security-Policy', async () => {
  const res = await httpRequest(server.origin, '/_emulator/');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
  expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
  const noSlash = await httpRequest(server.origin, '/_emulator');
  expect([noSlash.status, noSlash.headers.location]).toEqual([301, '/_emulator/']);
});
