/**
 * Packaging: `npm pack` (with its prepack build) gives a tarball that holds what `npx asmx-emulator`
 * needs and no tests or test fixtures, and whose command runs and answers.
 *
 * The pack runs in a copy of the working tree (node_modules linked), so its clean build never
 * touches the dist/ that other tests run; the tarball is then extracted and run with NODE_PATH
 * pointing at the repository's node_modules, which needs no registry.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../src/config';
import { httpRequest, login, rootAttribute } from './support/http';

jest.setTimeout(120_000);
const run = promisify(execFile);

/** Not copied: what a pack would never read, or must build itself. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', 'test-output', 'coverage', 'results']);

let work: string;
let files: string[];
let installed: string;
const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  files?: string[];
  scripts: Record<string, string>;
};

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'asmx-pack-'));
  const tree = path.join(work, 'tree');
  cpSync(PACKAGE_ROOT, tree, {
    recursive: true,
    filter: (source) => !NOT_COPIED.has(path.basename(source)),
  });
  symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: tree,
    // Not the npm settings of an `npm test` around this run (its prefix is the repository).
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))),
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  const [result] = JSON.parse(packed.stdout) as [{ filename: string }];
  const tarball = path.join(work, result.filename);
  files = (await run('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean);
  const unpacked = path.join(work, 'installed');
  mkdirSync(unpacked);
  await run('tar', ['-xzf', tarball, '-C', unpacked]);
  installed = path.join(unpacked, 'package');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('package.json: the build before every pack, and an explicit list of what ships', () => {
  expect(pkg.scripts.prepack).toMatch(/npm run build/);
  expect(pkg.files).toEqual(
    expect.arrayContaining(['wsdl', 'fixtures/users.json', 'examples/inforouter-documents']),
  );
});

test('CI checks the formatting: .ci/run runs `npm test`, whose pretest runs `prettier --check .`', () => {
  const ci = readFileSync(path.join(PACKAGE_ROOT, '.ci', 'run'), 'utf8');
  expect(ci).toMatch(/^npm test$/m);
  const pretest = pkg.scripts.pretest ?? '';
  const formatCheck = pkg.scripts['format:check'] ?? '';
  expect(formatCheck).toBe('prettier --check .');
  expect(pretest.split('&&').map((step) => step.trim())).toContain('npm run format:check');
});

test('the tarball holds the command, the WSDL, the default users, the example and the docs', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'package/package.json',
      'package/README.md',
      'package/dist/main.js',
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/wsdl/srv.wsdl',
      'package/fixtures/users.json',
      'package/examples/inforouter-documents/config.json',
      'package/examples/inforouter-documents/handlers.mjs',
      'package/examples/inforouter-documents/srv-full.wsdl',
      'package/examples/inforouter-documents/README.md',
      'package/scripts/hash-password.mjs',
    ]),
  );
  expect(files.some((f) => f.startsWith('package/examples/inforouter-documents/stubs/'))).toBe(true);
});

test('the tarball holds no tests, test fixtures, sources, maps or stale build output', () => {
  const unwanted = files.filter(
    (f) =>
      /^package\/(test|src|bench|deploy|\.ci|test-output|coverage)\//.test(f) ||
      /^package\/fixtures\/(?!users\.json$)/.test(f) ||
      /\.test\.|\.map$|\.tsbuildinfo$/.test(f),
  );
  expect(unwanted).toEqual([]);
  // Only what the sources compile to: a file an older build left in dist/ does not ship.
  const stale = files
    .filter((f) => /^package\/dist\/.*\.js$/.test(f))
    .filter(
      (f) =>
        !existsSync(path.join(PACKAGE_ROOT, 'src', `${f.slice('package/dist/'.length, -'.js'.length)}.ts`)),
    );
  expect(stale).toEqual([]);
});

const env = () => ({
  ...process.env,
  NODE_PATH: path.join(PACKAGE_ROOT, 'node_modules'),
  PORT: '',
  HOST: '',
});

test('the installed command prints its version', async () => {
  const version = await run(process.execPath, [path.join(installed, 'dist', 'main.js'), '--version'], {
    cwd: installed,
    env: env(),
  });
  expect(version.stdout.trim()).toBe(pkg.version);
});

async function serve(args: string[]): Promise<{ origin: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(installed, 'dist', 'main.js'), '--port', '0', ...args], {
    cwd: installed,
    env: { ...env(), LOG_LEVEL: 'info' },
  });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /serving (http:\/\/[^ /]+)/.exec(out);
      if (match) resolve(match[1] as string);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
  return {
    origin,
    stop: () => {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

test('the installed command serves the session service with its packaged WSDL and users', async () => {
  const server = await serve([]);
  try {
    const ticket = await login(server.origin);
    const res = await httpRequest(server.origin, `/srv.asmx/LogOut?AuthenticationTicket=${ticket}`);
    expect([res.status, rootAttribute(res.body, 'success')]).toEqual([200, 'true']);
  } finally {
    expect(await server.stop()).toBe(0);
  }
});

test('the packaged example runs as the README says: --config examples/inforouter-documents/config.json', async () => {
  const server = await serve(['--config', 'examples/inforouter-documents/config.json']);
  try {
    const wsdl = await httpRequest(server.origin, '/srv.asmx?WSDL');
    expect([wsdl.status, wsdl.body.includes('GetDocumentInfo')]).toEqual([200, true]);
  } finally {
    expect(await server.stop()).toBe(0);
  }
});
