/**
 * `asmx-emulator verify` against the REAL ASMX reference (Mono): a few cases are recorded through
 * `asmx-emulator record`, then verify replays them against the reference and an emulator it
 * starts from the recording. A faithful recording verifies (exit 0); one changed stub file makes
 * the cases it answers differ (exit 1, named), in the printed lines, the JUnit file and the HTML
 * report, which Chromium shows with the side-by-side diff (screenshot under test-output/).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { chromium } from 'playwright-core';
import { loadWsdl } from '../src/contract/readWsdl';
import { generatedCases } from '../src/verify/generatedCases';
import { lineDiff } from '../src/verify/lineDiff';
import { startCliServer } from './support/cliServer';
import { readContractRequest, replayCase } from './support/contractCases';
import { httpGet } from './support/http';
import { startReferenceServer, type ReferenceServer } from './support/referenceServer';
import { runCli } from './support/runCli';

jest.setTimeout(180_000);

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT_DIR = path.join(__dirname, '..', 'test-output');
const CASES = [
  'get-GetDocumentInfo-ok',
  'post-GetDocumentInfo-ok',
  'soap11-GetDocumentInfo-ok',
  'soap12-GetDocumentInfo-ok',
  'soap11-GetDocumentInfo-bad-ticket',
  'get-GetDocumentNames-ok',
];
const CREDENTIALS = { ASMX_VERIFY_USER: 'jsmith', ASMX_VERIFY_PASSWORD: 'Secret123!' };

let reference: ReferenceServer;
let work: string;
let recording: string;

beforeAll(async () => {
  reference = await startReferenceServer();
  work = mkdtempSync(path.join(tmpdir(), 'asmx-verify-test-'));
  recording = path.join(work, 'recording');
  const recorder = await startCliServer([
    'record',
    '--upstream',
    `${reference.origin}/srv.asmx`,
    '--out',
    recording,
  ]);
  try {
    const signedIn = await httpGet(recorder.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
    const ticket = /ticket="([^"]+)"/.exec(signedIn.body)?.[1] ?? '';
    expect(ticket).not.toBe('');
    for (const name of CASES) await replayCase(recorder.origin, readContractRequest(name), ticket);
  } finally {
    await recorder.close();
  }
}, 150_000);
afterAll(async () => {
  await reference?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const verify = (cases: string, report: string) =>
  runCli(
    ['verify', '--upstream', `${reference.origin}/srv.asmx`, '--cases', cases, '--report', report],
    CREDENTIALS,
  );

test('a faithful recording verifies: exit 0, one line per case and a summary', async () => {
  const report = path.join(work, 'report-ok');
  const run = await verify(recording, report);
  expect(`${run.code}\n${run.stdout}${run.stderr}`).toMatch(/^0\n/);
  expect(run.stdout).toContain('same    0001-http-get-AuthenticateUser');
  expect(run.stdout).toContain('same    0002-http-get-GetDocumentInfo');
  expect(run.stdout).toMatch(new RegExp(`${CASES.length + 1} cases: ${CASES.length + 1} same, 0 differ`));
  const junit = readFileSync(path.join(report, 'junit.xml'), 'utf8');
  expect(XMLValidator.validate(junit)).toBe(true);
  expect(junit).not.toContain('<failure');
  // Credentials are used, never written.
  for (const file of ['junit.xml', 'report.html'])
    expect(readFileSync(path.join(report, file), 'utf8')).not.toContain('Secret123');
});

describe('one changed stub file', () => {
  let run: Awaited<ReturnType<typeof runCli>>;
  let report: string;
  beforeAll(async () => {
    const changed = path.join(work, 'changed');
    cpSync(recording, changed, { recursive: true });
    const stubs = path.join(changed, 'stubs', 'GetDocumentInfo.json');
    const text = readFileSync(stubs, 'utf8');
    expect(text).toContain('"Q1.pdf"');
    writeFileSync(stubs, text.split('"Q1.pdf"').join('"Q1-CHANGED.pdf"'));
    report = path.join(work, 'report-changed');
    run = await verify(changed, report);
  });

  test('exits 1 naming the cases that differ', () => {
    expect(`${run.code}\n${run.stdout}${run.stderr}`).toMatch(/^1\n/);
    expect(run.stdout).toContain('DIFFERS 0002-http-get-GetDocumentInfo');
    expect(run.stdout).toContain('same    0001-http-get-AuthenticateUser');
    expect(run.stdout).toMatch(/differ: .*0002-http-get-GetDocumentInfo/);
    expect(run.stdout).not.toMatch(/DIFFERS .*GetDocumentNames/);
  });

  test('the JUnit file is valid and names the failing case', () => {
    const junit = readFileSync(path.join(report, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(junit)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(junit) as {
      testsuites: {
        testsuite: { tests: string; failures: string; testcase: Array<{ name: string; failure?: unknown }> };
      };
    };
    const suite = parsed.testsuites.testsuite;
    expect(Number(suite.tests)).toBe(CASES.length + 1);
    const failing = suite.testcase.filter((c) => c.failure !== undefined).map((c) => c.name);
    expect(failing).toContain('0002-http-get-GetDocumentInfo');
    expect(Number(suite.failures)).toBe(failing.length);
    expect(junit).toContain('Q1-CHANGED.pdf');
  });

  test('the HTML report, opened in Chromium, shows the diff side by side', async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run node scripts/ensure-system-deps.mjs`);
    const html = readFileSync(path.join(report, 'report.html'), 'utf8');
    // Self-contained: no external assets, no script.
    expect(html).not.toMatch(/<(script|link|img)\b|\bsrc=|url\(/i);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const browser = await chromium.launch({
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
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(path.join(report, 'report.html')).href);
      const section = page.locator('section.case', { hasText: '0002-http-get-GetDocumentInfo' });
      await expect(section.locator('h2').textContent()).resolves.toBe('0002-http-get-GetDocumentInfo');
      const changed = section.locator('tr.changed');
      expect(await changed.count()).toBeGreaterThan(0);
      await expect(changed.locator('td.left').allTextContents()).resolves.toEqual(
        expect.arrayContaining([expect.stringContaining('Q1.pdf')]),
      );
      await expect(changed.locator('td.right').allTextContents()).resolves.toEqual(
        expect.arrayContaining([expect.stringContaining('Q1-CHANGED.pdf')]),
      );
      await expect(page.locator('.summary').textContent()).resolves.toMatch(/cases differ/);
      expect(requests.every((url) => url.startsWith('file:'))).toBe(true);
      await page.screenshot({ path: path.join(OUTPUT_DIR, 'verify-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

test('without recordings, the suite is generated from the WSDL: every transport, with and without a valid ticket', () => {
  const model = loadWsdl(path.join(__dirname, '..', 'examples', 'inforouter-documents', 'srv-full.wsdl'));
  const names = generatedCases(model).map((c) => c.name);
  for (const transport of ['soap11', 'soap12', 'http-get', 'http-post'])
    for (const variant of ['ticket', 'no-ticket', 'invalid-ticket'])
      expect(names).toContain(`GetDocumentInfo-${transport}-${variant}`);
  expect(names).toContain('AuthenticateUser-http-get-sample');
});

test('the line diff pairs changed lines and keeps the common ones', () => {
  expect(lineDiff('a\nb\nc', 'a\nB\nc')).toEqual([
    { left: 'a', right: 'a', changed: false },
    { left: 'b', right: 'B', changed: true },
    { left: 'c', right: 'c', changed: false },
  ]);
});
