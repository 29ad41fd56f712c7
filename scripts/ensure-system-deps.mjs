#!/usr/bin/env node
// Makes sure the system (Debian) packages the test suite needs are installed; run as `pretest`.
//
// Each entry of REQUIREMENTS names a Debian package and a command that exits 0 when the package
// is usable. When everything is present this only runs the checks (no apt call). When something
// is missing: as root with apt-get available, it runs `apt-get update` and installs the missing
// packages, then checks again; otherwise it prints the command to run and exits 1.
//
// To add a requirement, append to REQUIREMENTS, e.g.
//   { package: 'redis-server', check: ['redis-server', ['--version']], why: '...' },
//   { package: 'chromium', check: ['chromium', ['--version']], why: '...' },
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** @type {{ package: string, check: [string, string[]], why: string }[]} */
const REQUIREMENTS = [
  {
    package: 'python3-zeep',
    check: ['/usr/bin/python3', ['-c', 'import zeep']],
    why: 'test/interop.zeep.test.ts drives the service with Python zeep',
  },
  {
    package: 'redis-server',
    check: ['redis-server', ['--version']],
    why: 'test/redisStore.test.ts starts its own redis-server to kill and restart',
  },
  {
    package: 'chromium',
    check: ['/usr/bin/chromium', ['--version']],
    why: 'test/browser.test.ts drives the help pages and test forms in Chromium (via playwright-core)',
  },
  {
    package: 'mono-devel',
    check: ['mcs', ['--version']],
    why:
      'test/interop.mono.test.ts generates .NET proxies with Mono wsdl, compiles them with mcs and runs them ' +
      'with mono; test/support/exampleServer.ts serves the ASMX reference on Mono',
  },
];

const CHECK_TIMEOUT_MS = 60_000;

function isPresent(requirement) {
  const [command, args] = requirement.check;
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: CHECK_TIMEOUT_MS });
  return !result.error && result.status === 0;
}

function missingRequirements() {
  return REQUIREMENTS.filter((requirement) => !isPresent(requirement));
}

function findExecutable(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function describe(requirements) {
  return requirements
    .map((r) => `  - ${r.package} (check \`${[r.check[0], ...r.check[1]].join(' ')}\` failed): ${r.why}`)
    .join('\n');
}

function installCommand(packages, asRoot) {
  const sudo = asRoot ? '' : 'sudo ';
  return (
    `${sudo}apt-get update && ${sudo}env DEBIAN_FRONTEND=noninteractive ` +
    `apt-get install -y --no-install-recommends ${packages.join(' ')}`
  );
}

function run(command, args) {
  console.error(`ensure-system-deps: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

const missing = missingRequirements();
if (missing.length === 0) process.exit(0);

const packages = [...new Set(missing.map((r) => r.package))];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const aptGet = findExecutable('apt-get');

console.error(`ensure-system-deps: missing system packages:\n${describe(missing)}`);

if (!isRoot || !aptGet) {
  const reason = !aptGet ? 'apt-get was not found' : 'not running as root';
  console.error(
    `ensure-system-deps: cannot install them here (${reason}). Run:\n\n  ${installCommand(packages, isRoot)}\n`,
  );
  process.exit(1);
}

try {
  // Wait for another apt/dpkg process (an unattended upgrade, a parallel install) to finish.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
  run(aptGet, [...lockWait, 'update']);
  run(aptGet, [...lockWait, 'install', '-y', '--no-install-recommends', ...packages]);
} catch (error) {
  console.error(`ensure-system-deps: installing failed: ${error.message}`);
  console.error(`ensure-system-deps: run it by hand:\n\n  ${installCommand(packages, true)}\n`);
  process.exit(1);
}

const stillMissing = missingRequirements();
if (stillMissing.length > 0) {
  console.error(`ensure-system-deps: still missing after apt-get install:\n${describe(stillMissing)}`);
  process.exit(1);
}
console.error(`ensure-system-deps: installed ${packages.join(' ')}`);
