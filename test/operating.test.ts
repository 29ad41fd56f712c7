/** Operating it: configuration layers and errors, the CLI, health/readiness/metrics, logs, shutdown, library use. */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import express from 'express';
import pino from 'pino';
import { ConfigError, loadConfig, PACKAGE_ROOT } from '../src/config';
import { createEmulator } from '../src/emulator';
import { httpGet, httpRequest, login, rootAttribute } from './support/http';
import { rawExchange } from './support/rawSocket';
import { TestRedis } from './support/redisServer';
import { startTestServer, type TestServer } from './support/testServer';

jest.setTimeout(60_000);
const MAIN = path.join(PACKAGE_ROOT, 'dist', 'main.js');
const run = promisify(execFile);
const tmp = () => mkdtempSync(path.join(tmpdir(), 'asmx-op-'));

describe('configuration', () => {
  const errorOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a configuration error');
  };

  test('flags over environment over config file over defaults', () => {
    const file = path.join(tmp(), 'config.json');
    writeFileSync(file, JSON.stringify({ port: 7001, host: '0.0.0.0', maxTickets: 5 }));
    const config = loadConfig({ file, env: { PORT: '7002', HOST: '::1' }, flags: { port: 7003 } });
    expect([config.port, config.host, config.maxTickets, config.ticketTtlDays]).toEqual([7003, '::1', 5, 30]);
  });

  test('a bad value names its source, the value and what is allowed', () => {
    expect(errorOf(() => loadConfig({ env: { PORT: 'eighty' } }))).toMatch(/PORT="eighty": .*number/);
    expect(errorOf(() => loadConfig({ env: { STORE: 'mysql' } }))).toMatch(
      /STORE="mysql": .*"memory".*"redis"/,
    );
    expect(errorOf(() => loadConfig({ flags: { port: 70000 } }))).toMatch(
      /--port \(command line\)=70000: .*65535/,
    );
    const file = path.join(tmp(), 'config.json');
    writeFileSync(file, JSON.stringify({ logLevel: 'chatty' }));
    expect(errorOf(() => loadConfig({ file }))).toMatch(
      /"logLevel" \(config file .*config\.json\)="chatty": .*"info"/,
    );
  });

  test('an unknown key or unreadable config file stops the start', () => {
    const file = path.join(tmp(), 'config.json');
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(errorOf(() => loadConfig({ file }))).toMatch(/unknown setting\(s\) "prot"/);
    writeFileSync(file, '{ not json');
    expect(errorOf(() => loadConfig({ file }))).toMatch(/config file .*config\.json/);
    expect(errorOf(() => loadConfig({ env: { CONFIG_FILE: '/nonexistent/asmx.json' } }))).toMatch(
      /nonexistent/,
    );
  });

  test('the command line stops with the message and exit code 2', async () => {
    const failure = await run(process.execPath, [MAIN, '--port', 'x']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((failure as { code: number }).code).toBe(2);
    expect((failure as { stderr: string }).stderr).toContain('--port (command line)="x"');
  });
});

describe('command line', () => {
  test('--help and --version', async () => {
    const help = await run(process.execPath, [MAIN, '--help']);
    expect(help.stdout).toContain('Usage: asmx-emulator [serve] [options]');
    expect(help.stdout).toContain('asmx-emulator tickets issue --user <name>');
    const version = await run(process.execPath, [MAIN, '--version']);
    expect(version.stdout.trim()).toBe(
      (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
        .version,
    );
  });

  test('package.json exposes the command', () => {
    const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin['asmx-emulator']).toBe('dist/main.js');
    expect(
      readFileSync(path.join(PACKAGE_ROOT, 'dist', 'main.js'), 'utf8').startsWith('#!/usr/bin/env node'),
    ).toBe(true);
  });

  test('tickets issue and revoke against the configured Redis store', async () => {
    const redis = await TestRedis.start();
    const server = await startTestServer({ store: 'redis', redisUrl: redis.url });
    try {
      const args = ['--store', 'redis', '--redis-url', redis.url];
      const issued = await run(process.execPath, [MAIN, 'tickets', 'issue', '--user', 'JSmith', ...args]);
      const ticket = issued.stdout.trim();
      expect(ticket).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const valid = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket });
      expect(rootAttribute(valid.body, 'username')).toBe('jsmith');

      const revoked = await run(process.execPath, [MAIN, 'tickets', 'revoke', ticket, ...args]);
      expect(revoked.stdout.trim()).toBe('revoked a ticket of jsmith');
      expect(
        rootAttribute(
          (await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket })).body,
          'success',
        ),
      ).toBe('false');
      const again = await run(process.execPath, [MAIN, 'tickets', 'revoke', ticket, ...args]).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect([(again as { code: number }).code, (again as { stderr: string }).stderr.trim()]).toEqual([
        1,
        'no such live ticket',
      ]);
    } finally {
      await server.close();
      await redis.kill();
    }
  });

  test('tickets commands refuse a store that dies with the command, and unknown users', async () => {
    const memory = await run(process.execPath, [MAIN, 'tickets', 'issue', '--user', 'jsmith']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((memory as { code: number }).code).toBe(2);
    expect((memory as { stderr: string }).stderr).toContain('set STORE=redis, or SNAPSHOT_FILE');
    const nobody = await run(process.execPath, [
      MAIN,
      'tickets',
      'issue',
      '--user',
      'nobody',
      '--store',
      'redis',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect((nobody as { code: number }).code).toBe(1);
    expect((nobody as { stderr: string }).stderr).toContain('no enabled user "nobody"');
  });
});

describe('health, readiness, metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const metric = async (name: string): Promise<number> => {
    const text = (await httpRequest(server.origin, '/metrics')).body;
    const line = text.split('\n').find((l) => l.startsWith(name));
    return line ? Number(line.split(' ').at(-1)) : NaN;
  };

  test('/healthz and /readyz', async () => {
    expect([
      (await httpRequest(server.origin, '/healthz')).status,
      (await httpRequest(server.origin, '/readyz')).body,
    ]).toEqual([200, 'ready']);
  });

  test('/metrics in Prometheus text, with a LogOut counter that moves', async () => {
    const res = await httpRequest(server.origin, '/metrics');
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'asmx_requests_total',
      'asmx_request_duration_seconds',
      'asmx_live_tickets',
      'asmx_ticket_evictions_total',
      'asmx_logouts_total',
      'asmx_webhook_deliveries_total',
    ]) {
      expect(res.body).toContain(`# TYPE ${name}`);
    }
    const before = await metric('asmx_logouts_total');
    const ticket = await login(server.origin);
    await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
    await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
    expect(await metric('asmx_logouts_total')).toBe(before + 1);
    expect(
      await metric('asmx_requests_total{operation="LogOut",transport="http-get",outcome="E901"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(await metric('asmx_live_tickets')).toBeGreaterThanOrEqual(0);
  });

  test('evictions are counted', async () => {
    const small = await startTestServer({ maxTickets: 1 });
    try {
      await login(small.origin);
      await login(small.origin);
      const text = (await httpRequest(small.origin, '/metrics')).body;
      expect(text).toMatch(/^asmx_ticket_evictions_total 1$/m);
    } finally {
      await small.close();
    }
  });
});

test('request logs are JSON with transport, operation, outcome and latency, and never a ticket', async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const emulator = createEmulator({ config: { port: 0 }, logger: pino({ level: 'info' }, sink) });
  const server = http.createServer(emulator.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const ticket = await login(origin);
    await httpGet(origin, 'LogOut', { AuthenticationTicket: ticket }, { 'X-Request-Id': 'req-42' });
    const entry = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e.requestId === 'req-42');
    expect(entry).toMatchObject({
      transport: 'http-get',
      operation: 'LogOut',
      outcome: 'success',
      status: 200,
    });
    expect(typeof entry?.ms).toBe('number');
    for (const line of lines) {
      expect(line).not.toContain(ticket);
      expect(line).not.toContain('Secret123!');
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await emulator.close();
  }
});

test('SIGTERM during a slow request: the request still completes with 200, then the process exits 0', async () => {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', LOG_LEVEL: 'info' } });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /serving (http:\/\/[^ ]+)\/srv\.asmx/.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const body = 'AuthenticationTicket=00000000-0000-4000-8000-000000000000';
  const exchange = rawExchange(origin, [
    `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
    body.slice(0, 10),
    { waitMs: 300 },
    body.slice(10),
  ]);
  await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGTERM');
  const answer = await exchange;
  expect(answer.received).toMatch(/^HTTP\/1\.1 200 OK/);
  expect(answer.received).toContain('[901] Session expired or Invalid ticket');
  expect(await exited).toBe(0);
});

test('as a library: mounted under a prefix in an existing express app', async () => {
  const emulator = createEmulator({ config: { port: 0, logLevel: 'silent' } });
  const app = express();
  app.get('/', (_req, res) => res.send('the existing app'));
  app.use('/legacy', emulator.router());
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    expect((await httpRequest(origin, '/')).body).toBe('the existing app');
    const signIn = await httpRequest(origin, '/legacy/srv.asmx/AuthenticateUser?UID=jsmith&PWD=Secret123!');
    const ticket = rootAttribute(signIn.body, 'ticket') as string;
    const logout = await httpRequest(origin, `/legacy/srv.asmx/LogOut?AuthenticationTicket=${ticket}`);
    expect(logout.body).toBe('<?xml version="1.0" encoding="utf-8"?>\n<root success="true" />');
    const wsdl = await httpRequest(origin, '/legacy/srv.asmx?WSDL', {
      headers: { Host: 'portal.example.com' },
    });
    expect(wsdl.body).toContain('<soap:address location="http://portal.example.com/legacy/srv.asmx" />');
    expect((await httpRequest(origin, '/legacy/healthz')).body).toBe('ok');
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await emulator.close();
  }
});
