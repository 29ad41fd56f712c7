import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const EXCHANGES_DIR = path.join(__dirname, '..', '..', 'fixtures', 'exchanges');

export interface GoldenResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Reads a captured response: status line, headers, blank line, then Content-Length bytes of body. */
export function readGolden(name: string): GoldenResponse {
  const raw = readFileSync(path.join(EXCHANGES_DIR, `${name}.http`));
  const headerEnd = raw.indexOf('\n\n');
  const [statusLine, ...headerLines] = raw.subarray(0, headerEnd).toString('utf8').split('\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length']);
  const body = raw.subarray(headerEnd + 2, headerEnd + 2 + length).toString('utf8');
  return { status: Number(statusLine?.split(' ')[1]), headers, body };
}

export function goldenNames(): string[] {
  return readdirSync(EXCHANGES_DIR)
    .filter((file) => file.endsWith('.http'))
    .map((file) => file.slice(0, -'.http'.length))
    .sort();
}

/** Replaces the values that differ per run: ticket GUIDs and expireOn timestamps. */
export function normalizeVolatile(body: string): string {
  return body
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g, '<ticket>')
    .replace(/expireOn="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/g, 'expireOn="<expireOn>"');
}
