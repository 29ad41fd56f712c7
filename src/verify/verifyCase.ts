/**
 * One case of `asmx-emulator verify`: a request as the recorder writes it (kit format), relative
 * to the service path, with placeholders a replay fills in on each side: `{{ticket}}` (that
 * side's live ticket), `{{password}}` and `{{user}}` (the credentials given to verify, never stored).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface VerifyCase {
  /** `0003-http-get-GetDocumentInfo`, `GetDocumentInfo-soap11-no-ticket` */
  readonly name: string;
  readonly method: string;
  /** Below the service path: `''`, `/GetDocumentInfo?path=…`. */
  readonly rest: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

export const TICKET = '{{ticket}}';
export const PASSWORD = '{{password}}';
export const USER = '{{user}}';

/** Whether the case carries a live ticket (a side signs in before it). */
export function needsTicket(c: VerifyCase): boolean {
  return `${c.rest}\n${c.headers.map(([, v]) => v).join('\n')}\n${c.body.toString('latin1')}`.includes(
    TICKET,
  );
}

/** Whether the case may end the side's ticket (a LogOut): the next case signs in again. */
export function mayEndTicket(c: VerifyCase): boolean {
  return /LogOut/.test(c.rest) || /LogOut/.test(c.body.toString('latin1'));
}

/** The service path the recording's config.json serves (the upstream's path). */
export function recordedServicePath(dir: string): string {
  const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
    services?: Array<{ path?: string }>;
  };
  return config.services?.[0]?.path ?? '/srv.asmx';
}

/** Every recorded request of a recording (`exchanges/*.request.http`), in recording order. */
export function readRecordedCases(dir: string): VerifyCase[] {
  const servicePath = recordedServicePath(dir).toLowerCase();
  const exchanges = path.join(dir, 'exchanges');
  return readdirSync(exchanges)
    .filter((file) => file.endsWith('.request.http'))
    .sort()
    .map((file) => {
      const raw = readFileSync(path.join(exchanges, file));
      const end = raw.indexOf('\r\n\r\n');
      const head = (end < 0 ? raw : raw.subarray(0, end)).toString('latin1');
      const [requestLine = '', ...lines] = head.split('\r\n');
      const [method = 'GET', target = '/'] = requestLine.split(' ');
      const rest = target.toLowerCase().startsWith(servicePath) ? target.slice(servicePath.length) : target;
      const headers = lines
        .filter((line) => line.includes(':'))
        .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as const);
      return {
        name: file.slice(0, -'.request.http'.length),
        method,
        rest,
        headers,
        body: end < 0 ? Buffer.alloc(0) : raw.subarray(end + 4),
      };
    });
}
