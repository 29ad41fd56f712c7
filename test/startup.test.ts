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

test.each([
  [{ HEADERS_TIMEOUT_MS: '60000' }, 'HEADERS_TIMEOUT_MS="60000": must not exceed REQUEST_TIMEOUT_MS (30000)'],
  [
    { CLEAR_COOKIES: 'portal_session,bad\r\nname' },
    'CLEAR_COOKIES="portal_session,bad\\r\\nname": "bad\\r\\nname" (item 2) is not a cookie name',
  ],
])('a configuration that would fail later (%j) stops the start with exit code 2', async (env, message) => {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', ...env } });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  // A start that is not refused would serve forever: stop it and report what it said.
  const started = setTimeout(() => child.kill('SIGTERM'), 10_000);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  clearTimeout(started);
  expect([code, err]).toEqual([2, expect.stringContaining(message)]);
});
