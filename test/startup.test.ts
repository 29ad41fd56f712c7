/** `npm start`'s entry point: listens on PORT/HOST, prints the URL, needs no other service. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/config';
import { httpRequest } from './support/http';

const MAIN = path.join(PACKAGE_ROOT, 'dist', 'main.js');

test('starts on the given port, prints the service URL and answers', async () => {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1' } });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /serving (http:\/\/127\.0\.0\.1:\d+\/srv\.asmx)/.exec(out);
        if (match) resolve(match[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
    });
    const res = await httpRequest(url, '/srv.asmx/LogOut?AuthenticationTicket=x');
    expect(res.body).toContain('[901] Session expired or Invalid ticket');
  } finally {
    child.kill('SIGTERM');
  }
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(code).toBe(0);
});

test('a bad configuration value stops the start, naming the variable', async () => {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: 'eighty' } });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(code).toBe(2);
  expect(err).toContain('PORT="eighty"');
});
