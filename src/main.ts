#!/usr/bin/env node
// `npm start` and the `asmx-emulator` command.
import { runCli } from './cli';

runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`asmx-emulator failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
