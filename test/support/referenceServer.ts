/**
 * The REAL ASMX reference service (the 26-operation srv.asmx of the reference kit,
 * asmx-reference/typed/server: Mono's System.Web.Services behind server/Host.cs) on a free port
 * of 127.0.0.1, started with its own server/start.sh. The interop tests run against it instead of
 * the emulator with ASMX_INTEROP_TARGET=reference, to check that what they assert is what a real
 * ASMX stack answers. The reference runs with TZ=UTC (start.sh), as the emulator does in tests.
 *
 * start.sh builds Host.exe (and bin/Host.exe) inside its own directory when needed. The shared kit
 * is read-only and shared by every session, so it runs from a private copy in a temporary
 * directory (removed again by close()); that also keeps parallel test runs from racing on the build.
 */
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface ReferenceServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** The service's path on that origin: `/srv.asmx`. */
  readonly servicePath: string;
  close(): Promise<void>;
}

const REFERENCE_DIR = path.join(__dirname, '..', '..', '..', 'shared', 'asmx-reference', 'typed', 'server');
const SERVICE_PATH = '/srv.asmx';
/** start.sh itself: copying is instant, but it compiles Host.exe with mcs on a fresh copy. */
const START_TIMEOUT_MS = 60_000;
/** Until `?WSDL` answers 200: Mono compiles srv.asmx on the first request (a few seconds). */
const READY_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 250;
const STOP_TIMEOUT_MS = 5_000;

export async function startReferenceServer(): Promise<ReferenceServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const logFile = `/tmp/asmx-full-${port}.log`; // where start.sh sends mono's output
  const workDir = mkdtempSync(path.join(tmpdir(), 'asmx-reference-'));
  const serverDir = path.join(workDir, 'server');
  cpSync(REFERENCE_DIR, serverDir, { recursive: true });
  makeWritable(serverDir);

  let pid: number;
  try {
    const { stdout } = await execFileAsync('bash', [path.join(serverDir, 'start.sh'), String(port)], {
      timeout: START_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    const printed = stdout.trim();
    if (!/^\d+$/.test(printed)) throw new Error(`start.sh printed no pid: ${JSON.stringify(stdout)}`);
    pid = Number(printed);
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    throw new Error(
      `could not start the ASMX reference server (${REFERENCE_DIR}/start.sh ${port}; needs Debian's ` +
        `mono-devel: node scripts/ensure-system-deps.mjs): ${describe(error)}`,
    );
  }

  let closed: Promise<void> | undefined;
  const close = () => (closed ??= stop(pid, workDir, logFile));
  // A test run that dies without close() must not leave a mono process behind.
  const onExit = () => killQuietly(pid, 'SIGKILL');
  process.once('exit', onExit);
  const closeAndForget = async () => {
    process.removeListener('exit', onExit);
    await close();
  };

  try {
    await waitUntilServing(`${origin}${SERVICE_PATH}?WSDL`, pid, logFile);
  } catch (error) {
    await closeAndForget();
    throw error;
  }
  return { origin, servicePath: SERVICE_PATH, close: closeAndForget };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** The kit's files are read-only (0444/0555); start.sh writes Host.exe and bin/ next to them. */
function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) makeWritable(file);
    else chmodSync(file, statSync(file).mode | 0o200);
  }
}

async function waitUntilServing(url: string, pid: number, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!isRunning(pid)) {
      throw new Error(
        `the ASMX reference server (pid ${pid}) exited before serving ${url}:\n${tail(logFile)}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = describe(error);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(
    `the ASMX reference server did not serve ${url} within ${READY_TIMEOUT_MS} ms (last: ${last}):\n${tail(logFile)}`,
  );
}

async function stop(pid: number, workDir: string, logFile: string): Promise<void> {
  killQuietly(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isRunning(pid)) killQuietly(pid, 'SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
  rmSync(logFile, { force: true });
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Alive and not a zombie (mono is reparented when start.sh exits; its reaper may be slow). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

function describe(error: unknown): string {
  const e = error as { message?: string; stderr?: string };
  return [e.message ?? String(error), e.stderr ? `stderr: ${e.stderr}` : ''].filter(Boolean).join('\n');
}
