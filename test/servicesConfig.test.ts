/**
 * The services setting and SEED_TICKETS from a real start of the command line: relative file
 * names in the config file, known tickets live from the start, and starts refused with a message
 * naming what cannot be served (a WSDL construct, a stub file, a seed).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildAsmxWsdl } from './support/asmxWsdl';
import { PACKAGE_ROOT, startCliServer } from './support/cliServer';
import { httpRequest, rootAttribute } from './support/http';

const MAIN = path.join(PACKAGE_ROOT, 'dist', 'main.js');
const SEEDED = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

const pingWsdl = buildAsmxWsdl({
  service: 'Tools',
  namespace: 'http://example.com/tools/',
  types: '<s:element name="int" type="s:int" />',
  operations: [
    {
      name: 'Add',
      params: [
        { name: 'a', type: 's:int', minOccurs: 1 },
        { name: 'b', type: 's:int', minOccurs: 1 },
      ],
      result: { type: 's:int', minOccurs: 1 },
      httpElement: 'int',
      http: true,
    },
  ],
});

function workspace(): string {
  return mkdtempSync(path.join(tmpdir(), 'asmx-services-'));
}

/** Runs the command line to its end (a start that is refused exits at once). */
function runCli(args: string[], cwd = PACKAGE_ROOT): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr };
}

test('file names in a config file are relative to it; seeded tickets are live from the start', async () => {
  const dir = workspace();
  mkdirSync(path.join(dir, 'tools', 'stubs'), { recursive: true });
  writeFileSync(path.join(dir, 'tools', 'tools.wsdl'), pingWsdl);
  writeFileSync(
    path.join(dir, 'tools', 'stubs', 'Add.json'),
    JSON.stringify([{ when: { a: 2, b: 3 }, result: 5 }]),
  );
  writeFileSync(path.join(dir, 'seeds.json'), JSON.stringify([{ ticket: SEEDED, user: 'JSmith' }]));
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({
      services: [{ path: '/Tools/Tools.asmx', wsdl: 'tools/tools.wsdl', stubs: 'tools/stubs' }],
      seedTickets: 'seeds.json',
    }),
  );
  // Started from another directory: the names resolve against the config file, not the cwd.
  const server = await startCliServer(['--config', path.join(dir, 'config.json')]);
  try {
    const add = await httpRequest(server.origin, '/Tools/Tools.asmx/Add?a=2&b=%203');
    expect(add.body).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<int xmlns="http://example.com/tools/">5</int>',
    );
    const valid = await httpRequest(server.origin, `/srv.asmx/isValidTicket?AuthenticationTicket=${SEEDED}`);
    expect(rootAttribute(valid.body, 'username')).toBe('jsmith');
    const logout = await httpRequest(server.origin, `/srv.asmx/LogOut?AuthenticationTicket=${SEEDED}`);
    expect(rootAttribute(logout.body, 'success')).toBe('true');
  } finally {
    await server.close();
  }
});

describe('a start that cannot serve what it is given is refused, naming why', () => {
  test('a WSDL construct the emulator cannot serve (an rpc binding)', () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'rpc.wsdl'), pingWsdl.replace(/style="document"/g, 'style="rpc"'));
    writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ services: [{ path: '/Rpc.asmx', wsdl: 'rpc.wsdl' }] }),
    );
    const run = runCli(['--config', path.join(dir, 'config.json')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/asmx-emulator failed to start: .*rpc/);
  });

  test('a stub file whose result does not fit the WSDL type', () => {
    const dir = workspace();
    mkdirSync(path.join(dir, 'stubs'));
    writeFileSync(path.join(dir, 'tools.wsdl'), pingWsdl);
    writeFileSync(path.join(dir, 'stubs', 'Add.json'), JSON.stringify([{ result: 'five' }]));
    writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ services: [{ path: '/Tools.asmx', wsdl: 'tools.wsdl', stubs: 'stubs' }] }),
    );
    const run = runCli(['--config', path.join(dir, 'config.json')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Add.json');
    expect(run.stderr).toContain('rule [0]');
  });

  test('a seed for a user the users file does not know', () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'seeds.json'), JSON.stringify([{ ticket: SEEDED, user: 'nobody' }]));
    const run = runCli(['--config', path.join(dir, 'config.json')], dir);
    expect(run.status).toBe(2); // the config file itself is missing: a configuration error
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ seedTickets: 'seeds.json' }));
    const seeded = runCli(['--config', path.join(dir, 'config.json')]);
    expect(seeded.status).toBe(1);
    expect(seeded.stderr).toContain('[0].user "nobody" is not in the users file');
  });

  test('a service path that is not an .asmx file, and two services on one path', () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'a.wsdl'), pingWsdl);
    writeFileSync(
      path.join(dir, 'bad.json'),
      JSON.stringify({ services: [{ path: 'Tools', wsdl: 'a.wsdl' }] }),
    );
    const bad = runCli(['--config', path.join(dir, 'bad.json')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('"services" (config file');
    expect(bad.stderr).toContain('[0].path="Tools": must be an absolute path ending in .asmx');
    writeFileSync(
      path.join(dir, 'twice.json'),
      JSON.stringify({
        services: [
          { path: '/A.asmx', wsdl: 'a.wsdl' },
          { path: '/a.ASMX', wsdl: 'a.wsdl' },
        ],
      }),
    );
    const twice = runCli(['--config', path.join(dir, 'twice.json')]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain('two services have the same path');
  });
});
