/**
 * Sends a verify case to one side (the upstream or the target) with that side's ticket and the
 * given credentials in place of the placeholders, and reads the answer: status, the headers that
 * matter, the body.
 */
import http from 'node:http';
import { PASSWORD, TICKET, USER, type VerifyCase } from './verifyCase';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

export interface SideAnswer {
  readonly status: number;
  readonly statusMessage: string;
  /** Content-Type and Cache-Control, when sent. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The response headers compared (the rest are the server's or the connection's). */
export const COMPARED_HEADERS = ['Cache-Control', 'Content-Type'] as const;

const TIMEOUT_MS = 30_000;

export function replayCase(
  serviceUrl: string,
  c: VerifyCase,
  ticket: string,
  credentials: Credentials,
  options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {},
): Promise<SideAnswer> {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const fill = (text: string) =>
    text
      .split(TICKET)
      .join(ticket)
      .split(PASSWORD)
      .join(encodeURIComponent(credentials.password))
      .split(USER)
      .join(encodeURIComponent(credentials.user));
  // A password in a SOAP body is XML text, not a URL component.
  const fillBody = (text: string) =>
    text
      .split(TICKET)
      .join(ticket)
      .split(PASSWORD)
      .join(isForm(c) ? encodeURIComponent(credentials.password) : xmlText(credentials.password))
      .split(USER)
      .join(isForm(c) ? encodeURIComponent(credentials.user) : xmlText(credentials.user));
  const url = new URL(serviceUrl);
  const body = Buffer.from(fillBody(c.body.toString('latin1')), 'latin1');
  const headers: Record<string, string> = {};
  for (const [name, value] of c.headers) headers[name] = value.split(TICKET).join(ticket);
  if (body.length > 0 || c.method === 'POST') headers['Content-Length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: c.method,
        path: `${url.pathname}${fill(c.rest)}`,
        headers,
        agent: false,
        timeout: timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const kept: Record<string, string> = {};
          for (const name of COMPARED_HEADERS) {
            const value = res.headers[name.toLowerCase()];
            if (value !== undefined) kept[name] = String(value);
          }
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: kept,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function isForm(c: VerifyCase): boolean {
  return c.headers.some(
    ([name, value]) =>
      name.toLowerCase() === 'content-type' &&
      value.toLowerCase().startsWith('application/x-www-form-urlencoded'),
  );
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
