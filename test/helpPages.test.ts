/**
 * The ASMX help pages over HTTP: the service page (`GET /srv.asmx`), one page per operation
 * (`?op=<Name>`) with its test form and sample SOAP 1.1 / SOAP 1.2 / HTTP GET / HTTP POST
 * exchanges generated from the WSDL, the page of an unknown operation, escaping of hostile input,
 * and pages that load nothing from anywhere.
 */
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/config';
import type { OperationModel } from '../src/contract/model';
import { loadWsdl } from '../src/contract/readWsdl';
import { operationSamples, sampleHtml } from '../src/help/samples';
import { httpRequest, rootAttribute, type HttpResult } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

const service = loadWsdl(path.join(PACKAGE_ROOT, 'wsdl', 'srv.wsdl'));
const OPERATIONS = service.operations.map((op) => op.name);
const operation = (name: string) => service.byName.get(name) as OperationModel;

let server: TestServer;
let host: string;
beforeAll(async () => {
  server = await startTestServer();
  host = new URL(server.origin).host;
});
afterAll(() => server.close());

const get = (pathAndQuery: string, headers: Record<string, string> = {}) =>
  httpRequest(server.origin, pathAndQuery, { headers });

/** Text of HTML: tags dropped, the five entities the pages use decoded. */
function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Attributes of a start tag, values decoded. */
function attributes(tag: string): Record<string, string> {
  return Object.fromEntries(
    [...tag.matchAll(/\s([a-zA-Z-]+)(?:="([^"]*)")?/g)].map((m) => [m[1] as string, htmlText(m[2] ?? '')]),
  );
}

function tags(html: string, name: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'g'))].map((m) => attributes(m[0]));
}

/** The sample exchanges of an operation page: heading → [request, response] as plain text. */
function samples(html: string): Map<string, { request: string; response: string; intro: string }> {
  const found = new Map<string, { request: string; response: string; intro: string }>();
  const section =
    /<h3 id="[^"]*">([^<]*)<\/h3>\s*<p>([^<]*)<\/p>\s*<pre class="request">([\s\S]*?)<\/pre>\s*<pre class="response">([\s\S]*?)<\/pre>/g;
  for (const m of html.matchAll(section)) {
    found.set(m[1] as string, {
      intro: htmlText(m[2] as string),
      request: htmlText(m[3] as string),
      response: htmlText(m[4] as string),
    });
  }
  return found;
}

function expectHelpPageHeaders(res: HttpResult, status = 200): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['cache-control']).toBe('private, max-age=0');
  expect(res.headers['content-security-policy']).toContain("default-src 'none'");
}

describe('GET /srv.asmx: the service page', () => {
  test('names the service, links the service description and lists every WSDL operation with its documentation', async () => {
    expect(OPERATIONS).toEqual([
      'LogOut',
      'AuthenticateUser',
      'CreateTicketforUser',
      'isValidTicket',
      'RenewTicket',
    ]);
    const res = await get('/srv.asmx');
    expectHelpPageHeaders(res);
    expect(res.body).toMatch(/^<!DOCTYPE html>/);
    expect(res.body).toContain('<h1 class="heading1">Srv</h1>');
    expect(res.body).toContain('<title>Srv Web Service</title>');
    expect(htmlText(res.body)).toContain(
      'The following operations are supported. For a formal definition, please review the Service Description.',
    );

    const links = tags(res.body, 'a').map((a) => new URL(a.href as string, `${server.origin}/srv.asmx`).href);
    expect(links[0]).toBe(`${server.origin}/srv.asmx?WSDL`);
    expect(links.slice(1)).toEqual(OPERATIONS.map((name) => `${server.origin}/srv.asmx?op=${name}`));

    const items = [
      ...res.body.matchAll(/<li><a href="([^"]*)">([^<]*)<\/a><span class="doc">([^<]*)<\/span><\/li>/g),
    ];
    expect(items.map((m) => [m[1], m[2], htmlText(m[3] as string)])).toEqual(
      service.operations.map((op) => [`srv.asmx?op=${op.name}`, op.name, op.documentation]),
    );
    for (const op of service.operations) expect(op.documentation.length).toBeGreaterThan(10);

    const wsdl = await get('/srv.asmx?WSDL');
    expect(wsdl.status).toBe(200);
    expect(wsdl.body).toContain('<wsdl:definitions');
  });
});

describe('GET /srv.asmx?op=<Name>: the operation pages', () => {
  test.each(OPERATIONS)(
    '%s: documentation, a test form with one labelled input per WSDL parameter',
    async (name) => {
      const op = operation(name);
      const res = await get(`/srv.asmx?op=${name}`);
      expectHelpPageHeaders(res);
      expect(res.body).toContain(`<h2>${name}</h2>`);
      expect(htmlText(res.body)).toContain(op.documentation);
      expect(htmlText(res.body)).toContain('Click here for a complete list of operations.');
      expect(tags(res.body, 'a')[0]?.href).toBe('srv.asmx');

      const forms = tags(res.body, 'form');
      expect(forms).toHaveLength(1);
      const form = forms[0] as Record<string, string>;
      expect(form.method).toBe('post');
      expect(new URL(form.action as string, `${server.origin}/srv.asmx?op=${name}`).href).toBe(
        `${server.origin}/srv.asmx/${name}`,
      );
      expect(form.target).toBe('_blank');

      const inputs = tags(res.body, 'input');
      const textInputs = inputs.filter((i) => i.type === 'text');
      expect(textInputs.map((i) => i.name)).toEqual(op.params.map((p) => p.name));
      const labels = tags(res.body, 'label');
      expect(labels).toHaveLength(op.params.length);
      for (const input of textInputs) {
        expect(input.id).toBeTruthy();
        expect(labels.filter((l) => l.for === input.id)).toHaveLength(1);
        expect(res.body).toMatch(new RegExp(`<label for="${input.id}">${input.name}:</label>`));
      }
      const submits = inputs.filter((i) => i.type === 'submit');
      expect(submits.map((i) => i.value)).toEqual(['Invoke']);
    },
  );

  test.each(OPERATIONS)(
    '%s: SOAP 1.1, SOAP 1.2, HTTP GET and HTTP POST samples for the requested host',
    async (name) => {
      const op = operation(name);
      const res = await get(`/srv.asmx?op=${name}`);
      const found = samples(res.body);
      expect([...found.keys()]).toEqual(['SOAP 1.1', 'SOAP 1.2', 'HTTP GET', 'HTTP POST']);
      for (const [title, sample] of found) {
        expect(sample.intro).toBe(
          `The following is a sample ${title} request and response. The placeholders shown need to be replaced with actual values.`,
        );
      }
      const query = op.params.map((p) => `${p.name}=string`).join('&');
      const soap11 = found.get('SOAP 1.1')!;
      expect(soap11.request.split('\n').slice(0, 6)).toEqual([
        'POST /srv.asmx HTTP/1.1',
        `Host: ${host}`,
        'Content-Type: text/xml; charset=utf-8',
        'Content-Length: length',
        `SOAPAction: "${op.soapAction}"`,
        '',
      ]);
      expect(op.soapAction).toBe(`http://tempuri.org/${name}`);
      for (const { name: p } of op.params) expect(soap11.request).toContain(`<${p}>string</${p}>`);
      expect(soap11.response).toContain(`<${name}Response xmlns="http://tempuri.org/">`);
      expect(soap11.response).toContain(`<${name}Result>xml</${name}Result>`);

      const soap12 = found.get('SOAP 1.2')!;
      expect(soap12.request.split('\n').slice(0, 5)).toEqual([
        'POST /srv.asmx HTTP/1.1',
        `Host: ${host}`,
        'Content-Type: application/soap+xml; charset=utf-8',
        'Content-Length: length',
        '',
      ]);
      expect(soap12.request).toContain('xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"');
      expect(soap12.response).toContain('Content-Type: application/soap+xml; charset=utf-8');
      expect(soap12.response).toContain(`<${name}Result>xml</${name}Result>`);

      expect(found.get('HTTP GET')).toEqual({
        intro: expect.any(String),
        request: `GET /srv.asmx/${name}?${query} HTTP/1.1\nHost: ${host}`,
        response:
          'HTTP/1.1 200 OK\nContent-Type: text/xml; charset=utf-8\nContent-Length: length\n\n<?xml version="1.0" encoding="utf-8"?>\nxml',
      });
      expect(found.get('HTTP POST')).toEqual({
        intro: expect.any(String),
        request: `POST /srv.asmx/${name} HTTP/1.1\nHost: ${host}\nContent-Type: application/x-www-form-urlencoded\nContent-Length: length\n\n${query}`,
        response:
          'HTTP/1.1 200 OK\nContent-Type: text/xml; charset=utf-8\nContent-Length: length\n\n<?xml version="1.0" encoding="utf-8"?>\nxml',
      });
    },
  );

  test('LogOut: the SOAP samples are exactly the classic ASMX text, placeholders highlighted', async () => {
    const res = await get('/srv.asmx?op=LogOut');
    const found = samples(res.body);
    const envelope = (prefix: string, ns: string, body: string[]) =>
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        `<${prefix}:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:${prefix}="${ns}">`,
        `  <${prefix}:Body>`,
        ...body.map((line) => `    ${line}`),
        `  </${prefix}:Body>`,
        `</${prefix}:Envelope>`,
      ].join('\n');
    const request = [
      '<LogOut xmlns="http://tempuri.org/">',
      '  <AuthenticationTicket>string</AuthenticationTicket>',
      '</LogOut>',
    ];
    const response = [
      '<LogOutResponse xmlns="http://tempuri.org/">',
      '  <LogOutResult>xml</LogOutResult>',
      '</LogOutResponse>',
    ];
    const soap11 = 'http://schemas.xmlsoap.org/soap/envelope/';
    const soap12 = 'http://www.w3.org/2003/05/soap-envelope';
    expect(found.get('SOAP 1.1')).toEqual({
      intro: expect.any(String),
      request: `POST /srv.asmx HTTP/1.1\nHost: ${host}\nContent-Type: text/xml; charset=utf-8\nContent-Length: length\nSOAPAction: "http://tempuri.org/LogOut"\n\n${envelope('soap', soap11, request)}`,
      response: `HTTP/1.1 200 OK\nContent-Type: text/xml; charset=utf-8\nContent-Length: length\n\n${envelope('soap', soap11, response)}`,
    });
    expect(found.get('SOAP 1.2')).toEqual({
      intro: expect.any(String),
      request: `POST /srv.asmx HTTP/1.1\nHost: ${host}\nContent-Type: application/soap+xml; charset=utf-8\nContent-Length: length\n\n${envelope('soap12', soap12, request)}`,
      response: `HTTP/1.1 200 OK\nContent-Type: application/soap+xml; charset=utf-8\nContent-Length: length\n\n${envelope('soap12', soap12, response)}`,
    });
    // The placeholders (and only they) are marked up: the parameter value, the result, the length.
    expect(res.body).toContain(
      '&lt;AuthenticationTicket&gt;<span class="value">string</span>&lt;/AuthenticationTicket&gt;',
    );
    expect(res.body).toContain('&lt;LogOutResult&gt;<span class="value">xml</span>&lt;/LogOutResult&gt;');
    expect(res.body).toContain('Content-Length: <span class="value">length</span>');
    expect(res.body).toContain('AuthenticationTicket=<span class="value">string</span>');
  });

  test('the samples use the Host the request came to', async () => {
    const res = await get('/srv.asmx?op=isValidTicket', { Host: 'legacy.example.com:8443' });
    const found = samples(res.body);
    for (const sample of found.values()) expect(sample.request).toContain('\nHost: legacy.example.com:8443');
    expect(htmlText(res.body)).not.toContain(host);
  });

  test('every sample request, placeholders filled in, is answered by the emulator', async () => {
    const values: Record<string, string> = { UID: 'jsmith', PWD: 'Secret123!' };
    const res = await get('/srv.asmx?op=AuthenticateUser');
    for (const [title, sample] of samples(res.body)) {
      let text = sample.request;
      for (const [param, value] of Object.entries(values)) {
        text = text
          .replace(`<${param}>string</${param}>`, `<${param}>${value}</${param}>`)
          .replace(`${param}=string`, `${param}=${encodeURIComponent(value)}`);
      }
      const [head, body] = text.split('\n\n') as [string, string | undefined];
      const [startLine, ...headerLines] = head.split('\n');
      const [method, target] = (startLine as string).split(' ') as [string, string];
      const headers = Object.fromEntries(
        headerLines
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)] as const)
          .filter(([name]) => name !== 'Content-Length' && name !== 'Host'),
      );
      const answer = await httpRequest(server.origin, target, { method, headers, ...(body ? { body } : {}) });
      expect({ title, status: answer.status, success: rootAttribute(answer.body, 'success') }).toEqual({
        title,
        status: 200,
        success: 'true',
      });
      expect(rootAttribute(answer.body, 'username')).toBe('jsmith');
    }
  });

  test('the op key is read from the parsed query string (case-insensitive key, first value wins)', async () => {
    for (const query of ['op=LogOut', 'OP=LogOut', 'op=LogOut&op=Nope', 'x=1&op=Log%4Fut']) {
      const res = await get(`/srv.asmx?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 200 });
      expect(res.body).toContain('<h2>LogOut</h2>');
    }
    const head = await httpRequest(server.origin, '/srv.asmx?op=LogOut', { method: 'HEAD' });
    expectHelpPageHeaders(head);
    expect(head.body).toBe('');
  });
});

describe('typed samples (srv-full.wsdl): SOAP typed, HTTP GET/POST every parameter a string', () => {
  const full = loadWsdl(path.join(PACKAGE_ROOT, 'examples', 'inforouter-documents', 'srv-full.wsdl'));
  const target = { host: 'legacy.example.com', path: '/srv.asmx', targetNamespace: 'http://tempuri.org/' };
  /** The samples of an operation as plain text (the placeholder markers removed), by section id. */
  const samplesOf = (name: string) =>
    new Map(
      operationSamples(full.byName.get(name) as OperationModel, target).map((sample) => [
        sample.id,
        { request: htmlText(sampleHtml(sample.request)), raw: sample.request },
      ]),
    );
  const query = (name: string) => {
    const found = samplesOf(name);
    const get = (found.get('httpGet')?.request ?? '').split('\n')[0] ?? '';
    const post = (found.get('httpPost')?.request ?? '').split('\n\n')[1];
    expect(get).toMatch(new RegExp(`^GET /srv\\.asmx/${name}\\?.* HTTP/1\\.1$`));
    // The POST body is the GET query.
    expect(post).toBe(get.slice(get.indexOf('?') + 1, get.lastIndexOf(' ')));
    return post;
  };

  test('scalars of every type are name=string over GET/POST, typed in the SOAP samples', () => {
    expect(query('SearchDocuments')).toBe(
      'authenticationTicket=string&query=string&pageSize=string&pageNumber=string',
    );
    const soap = samplesOf('SearchDocuments').get('soap11')?.request ?? '';
    expect(soap).toContain('<pageSize>int</pageSize>');
    expect(soap).toContain('<query>string</query>');
    expect(query('SetDocumentStatus')).toBe('authenticationTicket=string&path=string&status=string');
    expect(samplesOf('SetDocumentStatus').get('soap12')?.request).toContain(
      '<status>Draft or Published or Archived</status>',
    );
    expect(query('SetDocumentExpirationDate')).toBe(
      'authenticationTicket=string&path=string&expirationDate=string',
    );
    expect(samplesOf('SetDocumentExpirationDate').get('soap11')?.request).toContain(
      '<expirationDate>dateTime</expirationDate>',
    );
  });

  test('an array and a byte[] are a repeated key over GET/POST', () => {
    expect(query('SetDocumentTags')).toBe('authenticationTicket=string&path=string&tags=string&tags=string');
    expect(samplesOf('SetDocumentTags').get('soap11')?.request).toContain(
      '<tags>\n        <string>string</string>\n        <string>string</string>\n      </tags>',
    );
    expect(query('UploadDocument')).toBe(
      'authenticationTicket=string&path=string&content=string&content=string',
    );
    expect(samplesOf('UploadDocument').get('soap11')?.request).toContain('<content>base64Binary</content>');
    // Each value is a highlighted placeholder.
    const raw = samplesOf('SetDocumentTags').get('httpPost')?.raw ?? '';
    expect(sampleHtml(raw)).toContain(
      'tags=<span class="value">string</span>&amp;tags=<span class="value">string</span>',
    );
  });

  test('the HTTP GET/POST responses keep the typed result document', () => {
    const found = operationSamples(full.byName.get('GetDocumentVersionCount') as OperationModel, target);
    const get = found.find((sample) => sample.id === 'httpGet');
    expect(htmlText(sampleHtml(get?.response ?? ''))).toContain(
      '<?xml version="1.0" encoding="utf-8"?>\n<int xmlns="http://tempuri.org/">int</int>',
    );
  });
});

describe('GET /srv.asmx?op=<unknown>', () => {
  test('answers 404 with a page naming the operation and linking back to the list', async () => {
    const res = await get('/srv.asmx?op=Nope');
    expectHelpPageHeaders(res, 404);
    expect(htmlText(res.body)).toContain('The Srv service has no operation named Nope.');
    expect(htmlText(res.body)).toContain('Click here for a complete list of operations.');
    expect(tags(res.body, 'a').map((a) => a.href)).toEqual(['srv.asmx']);
    expect(res.body).not.toContain('<form');
  });

  test('operation names are case-sensitive: a wrong case is unknown, with a hint to the right name', async () => {
    const res = await get('/srv.asmx?op=logout');
    expectHelpPageHeaders(res, 404);
    expect(htmlText(res.body)).toContain('has no operation named logout.');
    expect(htmlText(res.body)).toContain('Operation names are case-sensitive. Did you mean LogOut?');
    expect(tags(res.body, 'a').map((a) => a.href)).toEqual(['srv.asmx?op=LogOut', 'srv.asmx']);
  });

  test('an empty op is an unknown operation too', async () => {
    const res = await get('/srv.asmx?op=');
    expectHelpPageHeaders(res, 404);
  });

  test('a hostile ?op= is escaped, never markup', async () => {
    const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&amp;`;
    const res = await get(`/srv.asmx?op=${encodeURIComponent(hostile)}`);
    expectHelpPageHeaders(res, 404);
    expect(res.body).not.toContain('<script');
    expect(res.body).not.toContain('<img');
    expect(res.body).toContain(
      '<code>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;amp;</code>',
    );
    expect(htmlText(res.body)).toContain(`has no operation named ${hostile}.`);
  });
});

describe('every help page', () => {
  const pages = ['/srv.asmx', ...OPERATIONS.map((name) => `/srv.asmx?op=${name}`), '/srv.asmx?op=Nope'];

  test.each(pages)('%s loads no assets, runs no script and reads on a phone', async (page) => {
    const res = await get(page);
    expect(res.body).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|url\(/i);
    for (const name of ['a', 'form', 'input', 'label']) {
      for (const attrs of tags(res.body, name)) {
        for (const key of ['href', 'src', 'action']) {
          if (attrs[key] !== undefined) expect(attrs[key]).not.toMatch(/^(?:[a-z]+:)?\/\//i);
        }
      }
    }
    expect(res.body).not.toMatch(/\son[a-z]+=/i);
    expect(res.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(res.body).toContain('<meta charset="utf-8">');
    expect(res.body).toMatch(/pre \{[^}]*overflow-x: auto/);
    expect(res.body).toMatch(/@media \(max-width: [^)]+\)/);
  });
});
