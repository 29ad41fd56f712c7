/** The WSDL defines the service: served with the caller's address; an operation nobody answers is NotImplemented. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/config';
import pino from 'pino';
import { createEmulator } from '../src/emulator';
import { startServer } from '../src/server';
import { loadWsdl } from '../src/contract/readWsdl';
import { httpRequest } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

const WSDL_FILE = path.join(PACKAGE_ROOT, 'wsdl', 'srv.wsdl');

function locations(wsdl: string): string[] {
  return [...wsdl.matchAll(/<(?:soap|soap12|http):address location="([^"]*)" \/>/g)].map(
    (m) => m[1] as string,
  );
}

describe('served WSDL', () => {
  let server: TestServer;
  let proxied: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    proxied = await startTestServer({ trustProxy: true });
  });
  afterAll(async () => {
    await server.close();
    await proxied.close();
  });

  test.each(['WSDL', 'wsdl', 'Wsdl', 'wSdL'])(
    '?%s serves the WSDL with every address at the requested host',
    async (q) => {
      const res = await httpRequest(server.origin, `/srv.asmx?${q}`, {
        headers: { Host: 'legacy.example.com:8443' },
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
      expect(locations(res.body)).toEqual(Array(4).fill('http://legacy.example.com:8443/srv.asmx'));
      // Apart from the addresses, the served text is the file itself.
      const file = readFileSync(WSDL_FILE, 'utf8');
      expect(res.body.split('http://legacy.example.com:8443/srv.asmx').join('X')).toBe(
        file.split('http://localhost/srv.asmx').join('X'),
      );
    },
  );

  test('forwarded headers are ignored unless configured as behind a proxy', async () => {
    const headers = {
      Host: 'internal:8080',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'public.example.com',
    };
    const direct = await httpRequest(server.origin, '/srv.asmx?wsdl', { headers });
    expect(new Set(locations(direct.body))).toEqual(new Set(['http://internal:8080/srv.asmx']));
    const behindProxy = await httpRequest(proxied.origin, '/srv.asmx?wsdl', { headers });
    expect(new Set(locations(behindProxy.body))).toEqual(new Set(['https://public.example.com/srv.asmx']));
  });

  test('a Host header that is not a host name is not echoed', async () => {
    const res = await httpRequest(server.origin, '/srv.asmx?wsdl', { headers: { Host: 'x"/><evil/>' } });
    expect(res.body).not.toContain('evil');
    expect(new Set(locations(res.body))).toEqual(new Set([`${server.origin}/srv.asmx`]));
  });

  test('the disco document points at the requested host', async () => {
    const res = await httpRequest(server.origin, '/srv.asmx?DISCO', { headers: { Host: 'h.example:81' } });
    expect(res.body).toContain(
      '<contractRef ref="http://h.example:81/srv.asmx?wsdl" docRef="http://h.example:81/srv.asmx"',
    );
  });
});

describe('operations derived from the WSDL', () => {
  test('names, parameters, SOAP actions and documentation', () => {
    const service = loadWsdl(WSDL_FILE);
    expect(service.name).toBe('Srv');
    expect(
      service.operations.map((o) => [o.name, o.params.map((p) => p.name), o.soapAction, o.soap12Action]),
    ).toEqual([
      ['LogOut', ['AuthenticationTicket'], 'http://tempuri.org/LogOut', 'http://tempuri.org/LogOut'],
      [
        'AuthenticateUser',
        ['UID', 'PWD'],
        'http://tempuri.org/AuthenticateUser',
        'http://tempuri.org/AuthenticateUser',
      ],
      [
        'CreateTicketforUser',
        ['TrustedUserPwd', 'UserName'],
        'http://tempuri.org/CreateTicketforUser',
        'http://tempuri.org/CreateTicketforUser',
      ],
      [
        'isValidTicket',
        ['AuthenticationTicket'],
        'http://tempuri.org/isValidTicket',
        'http://tempuri.org/isValidTicket',
      ],
      [
        'RenewTicket',
        ['UID', 'PWD', 'Lang', 'OldTicket'],
        'http://tempuri.org/RenewTicket',
        'http://tempuri.org/RenewTicket',
      ],
    ]);
    expect(service.byName.get('LogOut')?.documentation).toBe(
      "Logs out a user and clears user's session variables.",
    );
    for (const operation of service.operations) expect(operation.documentation.length).toBeGreaterThan(10);
  });

  test('an operation without a handler answers NotImplementedException, and the start warns naming it', async () => {
    // Rename LogOut to Frobnicate everywhere: a WSDL operation nothing answers.
    const renamed = readFileSync(WSDL_FILE, 'utf8').split('LogOut').join('Frobnicate');
    const dir = mkdtempSync(path.join(tmpdir(), 'asmx-wsdl-'));
    const wsdlFile = path.join(dir, 'srv.wsdl');
    writeFileSync(wsdlFile, renamed);
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const emulator = createEmulator({ config: { wsdlFile }, logger });
    const server = await startServer(emulator, 0, '127.0.0.1');
    try {
      expect(warnings.join('')).toContain('answer System.NotImplementedException: Frobnicate');
      const get = await httpRequest(server.origin, '/srv.asmx/Frobnicate?AuthenticationTicket=x');
      expect(get.status).toBe(500);
      expect(get.body).toBe('System.NotImplementedException: The method or operation is not implemented.');
      const soap = await httpRequest(server.origin, '/srv.asmx', {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://tempuri.org/Frobnicate"' },
        body: '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Frobnicate xmlns="http://tempuri.org/" /></soap:Body></soap:Envelope>',
      });
      expect(soap.status).toBe(500);
      expect(soap.body).toContain(
        '<faultcode>soap:Server</faultcode><faultstring>System.Web.Services.Protocols.SoapException: Server was unable to process request. ---&gt; System.NotImplementedException: The method or operation is not implemented.</faultstring>',
      );
    } finally {
      await server.close();
    }
  });
});
