/** `asmx-emulator record --upstream URL --out DIR`: runs the recording proxy until SIGINT/SIGTERM. */
import type { Config } from '../config';
import { startRecordingProxy } from './recordingProxy';

export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export async function recordCommand(
  config: Config,
  upstream: string | undefined,
  out: string | undefined,
  io: CommandIo,
): Promise<number> {
  if (!upstream || !out) {
    io.err('record needs --upstream <url of the .asmx> and --out <folder>');
    return 2;
  }
  let proxy;
  try {
    proxy = await startRecordingProxy({ upstream, out, port: config.port, host: config.host, log: io.out });
  } catch (error) {
    io.err(`asmx-emulator record failed to start: ${(error as Error).message}`);
    return 1;
  }
  io.out(`asmx-emulator recording ${upstream} into ${out}, serving ${proxy.origin}${proxy.servicePath}`);
  const running = proxy;
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      io.out(`${signal}: writing what is pending, then stopping`);
      void running.close().then(() => resolve(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
