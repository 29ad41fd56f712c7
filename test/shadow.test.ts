/**
 * Shadow mode (SHADOW_UPSTREAM_URL) against the REAL ASMX reference (Mono): an emulator serving a
 * recording of the reference in which one stub was changed answers the client, and copies each
 * call to the reference in the background; the changed operation's calls are counted as
 * differences (metrics, /_emulator/shadow with the diff), the others as matches, sign-ins are not
 * copied (SHADOW_SKIP's default). Against an upstream that stalls 2 s the answers are still
 * immediate: the copy waits, the client does not.
 */
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCliServer, type CliServer } from './support/cliServer';
import { readContractRequest, replayCase } from './support/contractCases';
import { httpGet } from './support/http';
import { startReferenceServer, type ReferenceServer } from './support/referenceServer';
import type { ShadowView } from '../src/shadow/shadowMode';

jest.setTimeout(180_000);

const signIn = async (origin: string) =>
  /ticket="([^"]+)"/.exec(
    (await httpGet(origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' })).body,
  )?.[1] ?? '';

/** Polls the shadow report until `done` holds (bounded): the comparisons run in the background. */
async function shadowView(origin: string, done: (view: ShadowView) => boolean): Promise<ShadowView> {
  const deadline = Date.now() + 20_000;
  let view: ShadowView | undefined;
  while (Date.now() < deadline) {
    view = (await fetch(`${origin}/_emulator/shadow?format=json`).then((r) => r.json())) as ShadowView;
    if (done(view)) return view;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`shadow report never got there: ${JSON.stringify(view)}`);
}

describe('against the reference', () => {
  let reference: ReferenceServer;
  let work: string;
  let emulator: CliServer;

  beforeAll(async () => {
    reference = await startReferenceServer();
    work = mkdtempSync(path.join(tmpdir(), 'asmx-shadow-test-'));
    const recording = path.join(work, 'recording');
    const recorder = await startCliServer([
      'record',
      '--upstream',
      `${reference.origin}/srv.asmx`,
      '--out',
      recording,
    ]);
    try {
      const ticket = await signIn(recorder.origin);
      for (const name of ['get-GetDocumentInfo-ok', 'get-GetDocumentNames-ok'])
        await replayCase(recorder.origin, readContractRequest(name), ticket);
    } finally {
      await recorder.close();
    }
    const changed = path.join(work, 'changed');
    cpSync(recording, changed, { recursive: true });
    const stubs = path.join(changed, 'stubs', 'GetDocumentInfo.json');
    writeFileSync(stubs, readFileSync(stubs, 'utf8').split('"Q1.pdf"').join('"Q1-CHANGED.pdf"'));
    emulator = await startCliServer(['--config', path.join(changed, 'config.json')], {
      SHADOW_UPSTREAM_URL: `${reference.origin}/srv.asmx`,
      UPSTREAM_TRUSTED_PASSWORD: 'MyServerSecret',
    });
  }, 150_000);
  afterAll(async () => {
    await emulator?.close();
    await reference?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('differences are counted per operation and shown with the diff; sign-ins are not copied', async () => {
    const ticket = await signIn(emulator.origin);
    expect(ticket).not.toBe('');
    const info = await replayCase(emulator.origin, readContractRequest('get-GetDocumentInfo-ok'), ticket);
    expect(info).toContain('Q1-CHANGED.pdf'); // the client gets the emulator's answer
    await replayCase(emulator.origin, readContractRequest('get-GetDocumentNames-ok'), ticket);
    const view = await shadowView(
      emulator.origin,
      (v) =>
        (v.operations.GetDocumentInfo?.difference ?? 0) + (v.operations.GetDocumentNames?.match ?? 0) === 2,
    );
    expect(view.operations).toEqual({
      GetDocumentInfo: { match: 0, difference: 1, error: 0 },
      GetDocumentNames: { match: 1, difference: 0, error: 0 },
    });
    expect(view.differences).toHaveLength(1);
    expect(view.differences[0]?.upstream).toContain('<Name>Q1.pdf</Name>');
    expect(view.differences[0]?.target).toContain('<Name>Q1-CHANGED.pdf</Name>');

    const metrics = await fetch(`${emulator.origin}/metrics`).then((r) => r.text());
    expect(metrics).toContain(
      'asmx_shadow_comparisons_total{operation="GetDocumentInfo",result="difference"} 1',
    );
    expect(metrics).toContain('asmx_shadow_comparisons_total{operation="GetDocumentNames",result="match"} 1');
    expect(metrics).not.toMatch(/asmx_shadow_comparisons_total\{operation="AuthenticateUser"/);

    const page = await fetch(`${emulator.origin}/_emulator/shadow`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('GetDocumentInfo');
    expect(html).toMatch(/<tr class="changed"><td class="left">\s*&lt;Name&gt;Q1\.pdf/);
    expect(html).not.toContain(ticket);
  });
});

describe('against an upstream that stalls 2 s', () => {
  const held = new EventEmitter();
  let stalls: http.Server;
  let emulator: CliServer;
  beforeAll(async () => {
    stalls = http.createServer((req, res) => {
      req.resume();
      held.emit('request', req.url);
      setTimeout(() => res.writeHead(500).end('stalled'), 2000).unref();
    });
    stalls.listen(0, '127.0.0.1');
    await once(stalls, 'listening');
    const { port } = stalls.address() as AddressInfo;
    emulator = await startCliServer([], { SHADOW_UPSTREAM_URL: `http://127.0.0.1:${port}/srv.asmx` });
  });
  afterAll(async () => {
    await emulator?.close();
    stalls.closeAllConnections();
    await new Promise((resolve) => stalls.close(resolve));
  });

  test('the emulator still answers at once while the copies wait', async () => {
    const ticket = await signIn(emulator.origin);
    const copied = once(held, 'request');
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const answer = await httpGet(emulator.origin, 'isValidTicket', { AuthenticationTicket: ticket });
      times.push(performance.now() - started);
      expect(answer.body).toContain('success="true"');
    }
    const [url] = (await copied) as [string];
    expect(url).toMatch(/^\/srv\.asmx\/isValidTicket\?/);
    // Every answer came well before the upstream answered even the first copy.
    expect(Math.max(...times)).toBeLessThan(500);
    // The copies were answered (a 500 after 2 s: a difference each) long after the client was.
    const view = await shadowView(
      emulator.origin,
      (v) => (v.operations.isValidTicket?.difference ?? 0) === 5,
    );
    expect(view.operations.isValidTicket).toEqual({ match: 0, difference: 5, error: 0 });
    for (const difference of view.differences) expect(difference.durationMs).toBeGreaterThanOrEqual(1900);
  });
});
