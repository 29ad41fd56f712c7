/**
 * docker-compose.yml without Docker: the file is valid and wires one bounded Redis, two instances
 * and a balancer; and those two instances, started as processes with the file's own environment
 * behind a round-robin balancer, behave as one service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../src/config';
import { httpGet, httpRequest, rootAttribute } from './support/http';
import { TestRedis } from './support/redisServer';

jest.setTimeout(60_000);

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: unknown;
  ports?: string[];
  volumes?: string[];
}
const compose = parse(readFileSync(path.join(PACKAGE_ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, Service>;
};

describe('docker-compose.yml', () => {
  test('has one Redis, two emulator instances and a load balancer', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app-a', 'app-b', 'lb', 'redis']);
  });

  test('Redis is bounded and evicts least recently used tickets', () => {
    const command = compose.services.redis?.command ?? [];
    expect(command).toEqual(expect.arrayContaining(['--maxmemory', '--maxmemory-policy', 'volatile-lru']));
  });

  test('both instances use the shared Redis and trust the balancer', () => {
    for (const name of ['app-a', 'app-b']) {
      const app = compose.services[name] as Service;
      expect(app.build).toBe('.');
      expect(app.environment).toMatchObject({
        STORE: 'redis',
        REDIS_URL: 'redis://redis:6379',
        TRUST_PROXY: 'true',
      });
    }
  });

  test('the balancer sends traffic to both instances', () => {
    const lb = compose.services.lb as Service;
    expect(lb.volumes).toContain('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro');
    const nginx = readFileSync(path.join(PACKAGE_ROOT, 'deploy', 'nginx.conf'), 'utf8');
    expect(nginx).toContain('server app-a:8080');
    expect(nginx).toContain('server app-b:8080');
  });

  test('the Dockerfile is multi-stage, slim and non-root', () => {
    const dockerfile = readFileSync(path.join(PACKAGE_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm AS build$/m);
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim AS runtime$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});

describe('what the compose file wires, as processes', () => {
  let redis: TestRedis;
  const instances: ChildProcess[] = [];
  let balancer: http.Server;
  let origin: string;

  function startInstance(env: Record<string, string>): Promise<string> {
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'main.js')], {
      env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: '0' },
    });
    instances.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /serving (http:\/\/[^ ]+)\/srv\.asmx \(ticket store: redis/.exec(out);
        if (match) resolve(match[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`instance exited ${code}: ${out}`)));
    });
  }

  beforeAll(async () => {
    redis = await TestRedis.start();
    const upstreams = await Promise.all(
      ['app-a', 'app-b'].map((name) =>
        startInstance({ ...compose.services[name]?.environment, REDIS_URL: redis.url }),
      ),
    );
    // A round-robin balancer standing in for nginx, forwarding Host and scheme as nginx.conf does.
    let next = 0;
    balancer = http.createServer((req, res) => {
      const target = new URL(upstreams[next++ % upstreams.length] as string);
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: {
            ...req.headers,
            'x-forwarded-host': req.headers.host ?? '',
            'x-forwarded-proto': 'http',
          },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => balancer.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(balancer.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => balancer.close(resolve));
    await Promise.all(
      instances.map(
        (child) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))),
      ),
    );
    await redis.kill();
  });

  test('sign in, check and log out through the balancer land on alternating instances and agree', async () => {
    const login = await httpGet(origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
    const ticket = rootAttribute(login.body, 'ticket') as string;
    for (let i = 0; i < 4; i++) {
      expect(
        rootAttribute(
          (await httpGet(origin, 'isValidTicket', { AuthenticationTicket: ticket })).body,
          'success',
        ),
      ).toBe('true');
    }
    expect(
      rootAttribute((await httpGet(origin, 'LogOut', { AuthenticationTicket: ticket })).body, 'success'),
    ).toBe('true');
    for (let i = 0; i < 4; i++) {
      expect(
        rootAttribute((await httpGet(origin, 'LogOut', { AuthenticationTicket: ticket })).body, 'error'),
      ).toContain('[901]');
    }
  });

  test('the WSDL advertises the balancer, not the instance', async () => {
    const wsdl = await httpRequest(origin, '/srv.asmx?wsdl', { headers: { Host: 'asmx.example.com:8080' } });
    expect(wsdl.body).toContain('<soap:address location="http://asmx.example.com:8080/srv.asmx" />');
  });
});
