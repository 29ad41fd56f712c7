/**
 * The help pages and test forms in a real browser: Debian's Chromium driven by playwright-core.
 * A user opens the service page, follows an operation link, signs in through the
 * AuthenticateUser form, logs out through the LogOut form (once with the ticket typed in, once
 * more to see [901], once with an empty field and the `ticket` cookie), all by clicking Invoke.
 * The forms have `target="_blank"`, as on ASMX: every answer opens in a popup window.
 *
 * Any console error or uncaught page error, on any page or popup, fails the test. Without
 * /usr/bin/chromium the test fails (it is never skipped): scripts/ensure-system-deps.mjs installs it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createEmulator } from '../src/emulator';
import { signOutRoutes } from '../src/signout/routes';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { PACKAGE_ROOT } from '../src/config';
import { httpGet, login, rootAttribute } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

jest.setTimeout(90_000);

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT_DIR = path.join(PACKAGE_ROOT, 'test-output');
const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
const LOGOUT_OK = `${XML_DECLARATION}\n<root success="true" />`;
const LOGOUT_901 = `${XML_DECLARATION}\n<root success="false" error="[901] Session expired or Invalid ticket" />`;

let server: TestServer;
let browser: Browser;
/** Console errors and uncaught exceptions of every page and popup of every context. */
const browserErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium, or run node scripts/ensure-system-deps.mjs)`,
    );
  }
  mkdirSync(OUTPUT_DIR, { recursive: true });
  server = await startTestServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh browser context whose every page (popups included) reports its errors. */
async function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  let pages = 0;
  context.on('page', (page) => {
    const label = `page ${++pages}`;
    page.on('console', (message) => {
      const source = message.location().url;
      if (message.type() === 'error') {
        browserErrors.push(`${label} ${page.url()}: console error: ${message.text()} [source ${source}]`);
      }
    });
    page.on('pageerror', (error) =>
      browserErrors.push(`${label} ${page.url()}: page error: ${error.message}`),
    );
  });
  return context;
}

beforeEach(() => {
  browserErrors.length = 0;
});

interface Invoked {
  readonly status: number;
  readonly contentType: string;
  /** The raw XML answer, as the server sent it. */
  readonly body: string;
  /** The popup window the answer opened in. */
  readonly popup: Page;
}

/**
 * Clicks Invoke on an operation page and reads the answer. The form posts into a new window
 * (`target="_blank"`), so the answer is the main response of a popup: it is caught on the context
 * (which sees the popup's requests from their start) and read raw, not from Chromium's XML view.
 */
async function invoke(page: Page, operation: string): Promise<Invoked> {
  const context = page.context();
  const url = `${server.origin}/srv.asmx/${operation}`;
  const [popup, response] = await Promise.all([
    context.waitForEvent('page'),
    context.waitForEvent('response', (r) => r.url() === url && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Invoke' }).click(),
  ]);
  await popup.waitForLoadState('load');
  expect(popup.url()).toBe(url);
  expect(response.request().headers()['content-type']).toBe('application/x-www-form-urlencoded');
  return {
    status: response.status(),
    contentType: (await response.allHeaders())['content-type'] ?? '',
    body: await response.text(),
    popup,
  };
}

function expectNoBrowserErrors(): void {
  expect(browserErrors).toEqual([]);
}

test('sign in and log out through the help pages and test forms', async () => {
  const context = await newContext({ viewport: { width: 1024, height: 800 } });
  const page = await context.newPage();

  // The service page lists the operations; follow the AuthenticateUser link.
  const listing = await page.goto(`${server.origin}/srv.asmx`);
  expect(listing?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Srv');
  await expect(page.getByRole('link', { name: 'Service Description' }).getAttribute('href')).resolves.toBe(
    'srv.asmx?WSDL',
  );
  await expect(page.locator('ul.operations > li > a').allTextContents()).resolves.toEqual([
    'LogOut',
    'AuthenticateUser',
    'CreateTicketforUser',
    'isValidTicket',
    'RenewTicket',
  ]);
  await page.getByRole('link', { name: 'AuthenticateUser', exact: true }).click();
  await page.waitForURL(`${server.origin}/srv.asmx?op=AuthenticateUser`);
  await expect(page.getByRole('heading', { level: 2 }).textContent()).resolves.toBe('AuthenticateUser');

  // Sign in: the labelled fields, Invoke, the answer in a popup.
  await page.getByLabel('UID').fill('jsmith');
  await page.getByLabel('PWD').fill('Secret123!');
  const signIn = await invoke(page, 'AuthenticateUser');
  expect(signIn.status).toBe(200);
  expect(signIn.contentType).toBe('text/xml; charset=utf-8');
  expect(rootAttribute(signIn.body, 'success')).toBe('true');
  expect(rootAttribute(signIn.body, 'username')).toBe('jsmith');
  const ticket = rootAttribute(signIn.body, 'ticket') as string;
  expect(ticket).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // What the popup shows is that answer (Chromium's XML view of it).
  await expect(signIn.popup.locator('body').innerText()).resolves.toContain(ticket);
  await signIn.popup.close();
  // The form stayed where it was, with what was typed.
  expect(page.url()).toBe(`${server.origin}/srv.asmx?op=AuthenticateUser`);
  await expect(page.getByLabel('UID').inputValue()).resolves.toBe('jsmith');

  // Log out with that ticket.
  await page.goto(`${server.origin}/srv.asmx?op=LogOut`);
  await expect(page.getByRole('heading', { level: 2 }).textContent()).resolves.toBe('LogOut');
  await page.getByLabel('AuthenticationTicket').fill(ticket);
  const screenshot = path.join(OUTPUT_DIR, 'logout-page.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`LogOut page screenshot: ${screenshot}`);

  const logOut = await invoke(page, 'LogOut');
  expect([logOut.status, logOut.contentType, logOut.body]).toEqual([
    200,
    'text/xml; charset=utf-8',
    LOGOUT_OK,
  ]);
  await logOut.popup.close();

  // The same ticket a second time: [901].
  const again = await invoke(page, 'LogOut');
  expect([again.status, again.body]).toEqual([200, LOGOUT_901]);
  await again.popup.close();

  // A fresh ticket as the browser's `ticket` cookie, the field left empty: the cookie logs out.
  const fresh = await login(server.origin);
  await context.addCookies([{ name: 'ticket', value: fresh, url: server.origin }]);
  await page.getByLabel('AuthenticationTicket').fill('');
  const byCookie = await invoke(page, 'LogOut');
  expect([byCookie.status, byCookie.body]).toEqual([200, LOGOUT_OK]);
  await byCookie.popup.close();

  // Both tickets are gone for every transport.
  for (const gone of [ticket, fresh]) {
    const check = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: gone });
    expect(rootAttribute(check.body, 'error')).toBe('[901] Session expired or Invalid ticket');
  }

  await context.close();
  expectNoBrowserErrors();
});

test('the test form works with JavaScript disabled', async () => {
  const context = await newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const ticket = await login(server.origin);
  await page.goto(`${server.origin}/srv.asmx?op=LogOut`);
  await page.getByLabel('AuthenticationTicket').fill(ticket);
  const logOut = await invoke(page, 'LogOut');
  expect([logOut.status, logOut.body]).toEqual([200, LOGOUT_OK]);
  await context.close();
  expectNoBrowserErrors();
});

interface Layout {
  readonly viewport: number;
  readonly pageWidth: number;
  readonly preOverflow: string[];
  readonly presWiderThanScreen: number;
  readonly inputsWiderThanScreen: number;
  readonly someSampleScrolls: boolean;
}

/** Measured in the page (a string: the project's type-check has no DOM library). */
const MEASURE_LAYOUT = `(() => {
  const pres = [...document.querySelectorAll('pre')];
  const right = (element) => element.getBoundingClientRect().right;
  return {
    viewport: window.innerWidth,
    pageWidth: document.documentElement.scrollWidth,
    preOverflow: pres.map((pre) => getComputedStyle(pre).overflowX),
    presWiderThanScreen: pres.filter((pre) => right(pre) > window.innerWidth).length,
    inputsWiderThanScreen: [...document.querySelectorAll('input')].filter((i) => right(i) > window.innerWidth).length,
    someSampleScrolls: pres.some((pre) => pre.scrollWidth > pre.clientWidth),
  };
})()`;

test('the pages read on a phone: nothing wider than the screen, samples scroll in their own box', async () => {
  const context = await newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  for (const target of [
    '/srv.asmx',
    '/srv.asmx?op=AuthenticateUser',
    '/srv.asmx?op=RenewTicket',
    '/srv.asmx?op=Nope',
  ]) {
    await page.goto(`${server.origin}${target}`);
    const layout = (await page.evaluate(MEASURE_LAYOUT)) as Layout;
    expect({ target, ...layout }).toEqual({
      target,
      viewport: 360,
      pageWidth: 360,
      preOverflow: layout.preOverflow.map(() => 'auto'),
      presWiderThanScreen: 0,
      inputsWiderThanScreen: 0,
      someSampleScrolls: target.includes('op=') && !target.includes('Nope'),
    });
  }
  // The unknown operation's page answers 404 on purpose, and Chromium reports a document that
  // came with 404 as a console error: exactly that one is expected. Its link leads back.
  const notFound = `${server.origin}/srv.asmx?op=Nope`;
  expect(browserErrors).toEqual([
    `page 1 ${notFound}: console error: Failed to load resource: the server responded with a status of 404 (Not Found) [source ${notFound}]`,
  ]);
  browserErrors.length = 0;
  await expect(page.locator('.error').innerText()).resolves.toBe(
    'The Srv service has no operation named Nope.',
  );
  await page.getByRole('link', { name: 'here' }).click();
  await page.waitForURL(`${server.origin}/srv.asmx`);

  await page.goto(`${server.origin}/srv.asmx?op=LogOut`);
  const screenshot = path.join(OUTPUT_DIR, 'logout-page-phone.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`LogOut page screenshot (phone): ${screenshot}`);
  await context.close();
  expectNoBrowserErrors();
});

test('sign in, hold the cookie, visit /logout?returnUrl=/bye, land on /bye with the cookie gone', async () => {
  // A portal with a goodbye page of its own that mounts the emulator's service and sign-out routes.
  const emulator = createEmulator({ config: { port: 0 } });
  const app = express();
  app.get('/bye', (_req, res) =>
    res.type('html').send('<!DOCTYPE html><title>Bye</title><p>Signed out.</p>'),
  );
  app.get('/favicon.ico', (_req, res) => res.status(204).end());
  app.use(signOutRoutes(emulator.config, emulator.signOut, emulator.context));
  const portal = http.createServer((req, res) =>
    emulator.handleServiceRequest.isServicePath(req.url)
      ? emulator.handleServiceRequest(req, res)
      : app(req, res),
  );
  await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  try {
    const context = await newContext();
    const page = await context.newPage();
    const res = await page.request.get(`${origin}/srv.asmx/AuthenticateUser?UID=jsmith&PWD=Secret123!`);
    const ticket = /ticket="([^"]+)"/.exec(await res.text())?.[1] as string;
    await context.addCookies([{ name: 'ticket', value: ticket, url: origin }]);
    expect((await context.cookies(origin)).map((c) => c.name)).toContain('ticket');

    await page.goto(`${origin}/logout?returnUrl=/bye`);
    expect(new URL(page.url()).pathname).toBe('/bye');
    expect(await page.textContent('p')).toBe('Signed out.');
    expect((await context.cookies(origin)).map((c) => c.name)).not.toContain('ticket');
    const check = await page.request.get(`${origin}/srv.asmx/isValidTicket?AuthenticationTicket=${ticket}`);
    expect(await check.text()).toContain('[901] Session expired or Invalid ticket');
    await context.close();
  } finally {
    await new Promise((resolve) => portal.close(resolve));
    await emulator.close();
  }
  expectNoBrowserErrors();
});
