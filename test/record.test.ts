/**
 * `asmx-emulator record` in front of the REAL ASMX reference service (Mono): every request of the
 * reference kit goes through the recording proxy (which must answer the upstream's bytes), then an
 * emulator started from the recording alone (`--config <recording>/config.json`: the saved WSDL
 * and the stub rules) replays every recorded request and must answer what the upstream answered,
 * after the normalisation every comparison here uses: live tickets, expireOn and .NET stack
 * traces (the emulator never sends one). No file of the recording may hold a password.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  expectedCaseNames,
  readContractRequest,
  replayCase,
  type ContractRequest,
} from './support/contractCases';
import { startCliServer, type CliServer } from './support/cliServer';
import { httpGet } from './support/http';
import { startReferenceServer, type ReferenceServer } from './support/referenceServer';
import { withoutLiveValues, withoutStackTraces } from '../src/verify/normalise';

jest.setTimeout(180_000);

/** Cases where Mono (the reference) answers with a bug the emulator does not copy (the kit's rule 3). */
const MONO_BUG_CASES = new Set(
  [
    ...readFileSync(
      path.join(__dirname, '..', '..', 'shared', 'asmx-reference', 'typed', 'rule3.md'),
      'utf8',
    ).matchAll(/^\| ([a-z0-9]+-[A-Za-z]+-[a-z0-9-]+) \|/gm),
  ].map((m) => m[1] as string),
);

let reference: ReferenceServer;
let out: string;

beforeAll(async () => {
  reference = await startReferenceServer();
  out = mkdtempSync(path.join(tmpdir(), 'asmx-recording-'));
}, 120_000);
afterAll(async () => {
  await reference?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

const signIn = async (origin: string) =>
  /ticket="([^"]+)"/.exec(
    (await httpGet(origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' })).body,
  )?.[1] ?? '';

/** The kit's reduced form with stack traces taken out. */
function reduced(answer: string): string {
  const end = answer.indexOf('\r\n\r\n');
  const head = answer.slice(0, end);
  const plain = /Content-Type: text\/plain/i.test(head);
  return withoutLiveValues(`${head}\r\n\r\n${withoutStackTraces(answer.slice(end + 4), plain)}`, []);
}

function readRequestFile(file: string, password: string): ContractRequest {
  const raw = readFileSync(file).toString('latin1').split('{{password}}').join(password);
  const end = raw.indexOf('\r\n\r\n');
  const [requestLine = '', ...lines] = raw.slice(0, end).split('\r\n');
  const [method = 'GET', target = '/'] = requestLine.split(' ');
  const headers = lines.map(
    (line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as const,
  );
  return { method, target, headers, body: Buffer.from(raw.slice(end + 4), 'latin1') };
}

function recordedResponse(file: string): string {
  const text = readFileSync(file, 'latin1');
  const end = text.indexOf('\r\n\r\n');
  const [status, ...headers] = text.slice(0, end).split('\r\n');
  const kept = ['Cache-Control', 'Content-Type']
    .map((name) => headers.find((line) => line.startsWith(`${name}:`)))
    .filter(Boolean);
  return [status, ...kept].map((line) => `${line}\r\n`).join('') + `\r\n${text.slice(end + 4)}`;
}

const cases = expectedCaseNames().filter((name) => !MONO_BUG_CASES.has(name));

describe('record, then replay the recording', () => {
  let direct: Map<string, string>;
  beforeAll(async () => {
    // What the upstream answers without the proxy, to check the proxy relays it unchanged.
    const ticket = await signIn(reference.origin);
    direct = new Map();
    for (const name of cases)
      direct.set(name, await replayCase(reference.origin, readContractRequest(name), ticket));

    const recorder: CliServer = await startCliServer([
      'record',
      '--upstream',
      `${reference.origin}/srv.asmx`,
      '--out',
      out,
    ]);
    try {
      const wsdl = await fetch(`${recorder.origin}/srv.asmx?WSDL`).then((r) => r.text());
      expect(wsdl).toContain(`location="${recorder.origin}/srv.asmx"`);
      const recorded = await signIn(recorder.origin);
      for (const name of cases) {
        const answer = await replayCase(recorder.origin, readContractRequest(name), recorded);
        expect(`${name}\n${answer}`).toBe(`${name}\n${direct.get(name) ?? ''}`);
      }
    } finally {
      await recorder.close(); // SIGTERM: writes what is pending and exits
    }
    expect(recorder.child.exitCode).toBe(0);
  }, 150_000);

  test('the recording has the WSDL, a config, raw exchanges and stub files', () => {
    expect(readdirSync(out).sort()).toEqual(['config.json', 'exchanges', 'srv.wsdl', 'stubs']);
    expect(readdirSync(path.join(out, 'exchanges')).length).toBe(2 * (cases.length + 1));
    expect(readdirSync(path.join(out, 'stubs'))).toContain('GetDocumentInfo.json');
    const rules = JSON.parse(
      readFileSync(path.join(out, 'stubs', 'GetDocumentInfo.json'), 'utf8'),
    ) as unknown[];
    // One rule per arguments: the same call over four transports merges into one.
    expect(rules).toContainEqual({
      when: { path: '/Finance/Reports/Q1.pdf', $user: 'jsmith' },
      result: expect.objectContaining({ Id: '101', Name: 'Q1.pdf' }),
    });
  });

  test('no password in any file written', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const file = path.join(dir, entry);
        if (statSync(file).isDirectory()) walk(file);
        else files.push(file);
      }
    };
    walk(out);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const secret of ['Secret123!', 'Secret123%21', 'MyServerSecret'])
        expect(`${file}: ${text.includes(secret)}`).toBe(`${file}: false`);
    }
    expect(
      readFileSync(path.join(out, 'exchanges', '0001-http-get-AuthenticateUser.request.http'), 'utf8'),
    ).toContain('PWD={{password}}');
  });

  test("an emulator started from the recording answers the upstream's bytes for every recorded case", async () => {
    const emulator = await startCliServer(['--config', path.join(out, 'config.json')]);
    try {
      const ticket = await signIn(emulator.origin);
      const exchanges = path.join(out, 'exchanges');
      const names = readdirSync(exchanges)
        .filter((f) => f.endsWith('.request.http'))
        .sort();
      expect(names.length).toBe(cases.length + 1);
      const differing: string[] = [];
      for (const file of names) {
        const name = file.slice(0, -'.request.http'.length);
        const answer = await replayCase(
          emulator.origin,
          readRequestFile(path.join(exchanges, file), 'Secret123!'),
          ticket,
        );
        const recorded = reduced(recordedResponse(path.join(exchanges, `${name}.response.http`)));
        if (reduced(answer) !== recorded)
          differing.push(`${name}\n${reduced(answer)}\n--- recorded:\n${recorded}`);
      }
      expect(differing).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
