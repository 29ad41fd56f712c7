/**
 * The typed contract: every case of the reference kit (asmx-reference/typed, copied into
 * fixtures/typed) replayed against the example service, started exactly as a user starts it
 * (`node dist/main.js --config examples/inforouter-documents/config.json`), compared byte for
 * byte: status line, Cache-Control, Content-Type and body.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  TYPED_DIR,
  expectedCaseNames,
  readContractRequest,
  readExpected,
  replayCase,
} from './support/contractCases';
import { PACKAGE_ROOT, startCliServer, type CliServer } from './support/cliServer';
import { httpGet } from './support/http';

let server: CliServer;
let ticket: string;

beforeAll(async () => {
  server = await startCliServer(['--config', path.join('examples', 'inforouter-documents', 'config.json')]);
  const login = await httpGet(server.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
  ticket = /ticket="([^"]+)"/.exec(login.body)?.[1] ?? '';
  expect(ticket).toMatch(/^[0-9a-f-]{36}$/);
}, 30_000);
afterAll(() => server?.close());

const cases = expectedCaseNames();

test('the kit has its 260 cases', () => {
  expect(cases).toHaveLength(260);
});

test.each(cases)('%s', async (name) => {
  const answer = await replayCase(server.origin, readContractRequest(name), ticket);
  expect(answer).toBe(readExpected(name));
});

test('the example serves the reference WSDL with its own address', async () => {
  const wsdl = await fetch(`${server.origin}/srv.asmx?WSDL`).then((r) => r.text());
  const reference = readFileSync(
    path.join(PACKAGE_ROOT, 'examples', 'inforouter-documents', 'srv-full.wsdl'),
    'utf8',
  );
  expect(wsdl).toBe(reference.split('http://127.0.0.1:8090/srv.asmx').join(`${server.origin}/srv.asmx`));
});

// The copies in fixtures/ must stay the kit's bytes; checked wherever the kit is beside the project.
const KIT = path.join(PACKAGE_ROOT, '..', 'shared', 'asmx-reference', 'typed');
const kitPresent = existsSync(KIT);
test(`fixtures/typed equals the reference kit${kitPresent ? '' : ' (kit not present: copies only)'}`, () => {
  for (const folder of ['requests', 'expected']) {
    const names = readdirSync(path.join(TYPED_DIR, folder)).sort();
    expect(names.length).toBeGreaterThan(0);
    if (!kitPresent) continue;
    expect(names).toEqual(readdirSync(path.join(KIT, folder)).sort());
    for (const name of names) {
      expect(readFileSync(path.join(TYPED_DIR, folder, name))).toEqual(
        readFileSync(path.join(KIT, folder, name)),
      );
    }
  }
});
