import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const PACKAGE_ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(PACKAGE_ROOT, 'dist', 'main.js');
const START_TIMEOUT_MS = 20_000;

export interface CliServer {
  readonly origin: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then waits for the exit. */
  close(): Promise<void>;
}

/**
 * Starts the built command line (`node dist/main.js ARGS`) on a free port of 127.0.0.1 and
 * resolves once it logs where it serves; rejects with its output when it exits first.
 */
export function startCliServer(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliServer> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: PACKAGE_ROOT,
    env: { PATH: process.env.PATH, TZ: 'UTC', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    // Bounded: a start that neither serves nor exits is a failure, with what it printed.
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`asmx-emulator did not start serving within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output += `${line}\n`;
      const match = /serving (http:\/\/[^/\s]+)/.exec(line);
      if (!match) return;
      clearTimeout(deadline);
      resolve({
        origin: match[1] as string,
        child,
        output: () => output,
        close: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) =>
      reject(new Error(`asmx-emulator exited with ${code} before serving:\n${output}`)),
    );
  });
}
