import http from 'node:http';

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpRequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** A plain HTTP request with exactly the headers given (no client adds its own). */
export function httpRequest(
  origin: string,
  path: string,
  options: HttpRequestOptions = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, origin);
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: options.method ?? (body ? 'POST' : 'GET'),
        headers: { ...(body ? { 'Content-Length': String(body.length) } : {}), ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const SOAP_ENVELOPES = {
  '1.1': 'http://schemas.xmlsoap.org/soap/envelope/',
  '1.2': 'http://www.w3.org/2003/05/soap-envelope',
} as const;

const xmlText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A SOAP request body for an operation, parameters in the given order and escaped as a client would. */
export function soapEnvelope(
  version: '1.1' | '1.2',
  operation: string,
  params: Record<string, string> = {},
): string {
  const inner = Object.entries(params)
    .map(([name, value]) => `<${name}>${xmlText(value)}</${name}>`)
    .join('');
  const element = inner
    ? `<${operation} xmlns="http://tempuri.org/">${inner}</${operation}>`
    : `<${operation} xmlns="http://tempuri.org/" />`;
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP_ENVELOPES[version]}"><soap:Body>${element}</soap:Body></soap:Envelope>`;
}

export function soap11(
  origin: string,
  operation: string,
  params: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  return httpRequest(origin, '/srv.asmx', {
    headers: {
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: `"http://tempuri.org/${operation}"`,
      ...headers,
    },
    body: soapEnvelope('1.1', operation, params),
  });
}

export function soap12(
  origin: string,
  operation: string,
  params: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  return httpRequest(origin, '/srv.asmx', {
    headers: {
      'Content-Type': `application/soap+xml; charset=utf-8; action="http://tempuri.org/${operation}"`,
      ...headers,
    },
    body: soapEnvelope('1.2', operation, params),
  });
}

export function httpGet(
  origin: string,
  operation: string,
  params: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  return httpRequest(origin, `/srv.asmx/${operation}?${new URLSearchParams(params).toString()}`, { headers });
}

export function formPost(
  origin: string,
  operation: string,
  params: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  return httpRequest(origin, `/srv.asmx/${operation}`, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

export const TRANSPORTS = { soap11, soap12, httpGet, formPost } as const;
export type TransportName = keyof typeof TRANSPORTS;

/** The value of an attribute of the `<root>` element in a response (for tickets and the like). */
export function rootAttribute(body: string, name: string): string | undefined {
  const start = body.indexOf(`<root `);
  const match = new RegExp(` ${name}="([^"]*)"`).exec(body.slice(start));
  return match?.[1];
}

export async function login(origin: string, uid = 'jsmith', pwd = 'Secret123!'): Promise<string> {
  const res = await httpGet(origin, 'AuthenticateUser', { UID: uid, PWD: pwd });
  const ticket = rootAttribute(res.body, 'ticket');
  if (!ticket) throw new Error(`login failed: ${res.body}`);
  return ticket;
}
