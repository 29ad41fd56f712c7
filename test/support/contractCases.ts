import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** The typed contract's cases, copied from the reference kit (asmx-reference/typed). */
export const TYPED_DIR = path.join(__dirname, '..', '..', 'fixtures', 'typed');

export interface ContractRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

/** `METHOD target HTTP/1.1`, the headers that matter, a blank line and the body (kit format). */
export function readContractRequest(name: string): ContractRequest {
  const raw = readFileSync(path.join(TYPED_DIR, 'requests', `${name}.http`));
  const end = raw.indexOf('\r\n\r\n');
  const [requestLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const [method = 'GET', target = '/'] = requestLine.split(' ');
  const headers = lines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()] as const;
  });
  return { method, target, headers, body: raw.subarray(end + 4) };
}

export function expectedCaseNames(): string[] {
  return readdirSync(path.join(TYPED_DIR, 'expected'))
    .filter((file) => file.endsWith('.http'))
    .map((file) => file.slice(0, -'.http'.length))
    .sort();
}

export function readExpected(name: string): string {
  return readFileSync(path.join(TYPED_DIR, 'expected', `${name}.http`), 'latin1');
}

const TICKET = '{{ticket}}';

/**
 * Sends a contract request with the live ticket in place of `{{ticket}}` (Content-Length after
 * the substitution, as the kit's replay.py does) and reduces the answer to the kit's form:
 * status line, Cache-Control and Content-Type when sent, a blank line, the body; the ticket
 * written back as `{{ticket}}` and every expireOn value as `{{expireOn}}`.
 */
export function replayCase(origin: string, request: ContractRequest, ticket: string): Promise<string> {
  const substitute = (text: string) => text.split(TICKET).join(ticket);
  const body = Buffer.from(substitute(request.body.toString('latin1')), 'latin1');
  const url = new URL(origin);
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) headers[name] = substitute(value);
  if (body.length > 0 || (request.method !== 'GET' && request.method !== 'HEAD')) {
    headers['Content-Length'] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: substitute(request.target),
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          let head = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`;
          for (const name of ['Cache-Control', 'Content-Type']) {
            const value = res.headers[name.toLowerCase()];
            if (value !== undefined) head += `${name}: ${String(value)}\r\n`;
          }
          const text = Buffer.concat(chunks).toString('latin1');
          resolve(
            `${head}\r\n${text}`
              .split(ticket)
              .join(TICKET)
              .replace(/expireOn="[^"]*"/g, 'expireOn="{{expireOn}}"'),
          );
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
