/**
 * `asmx-emulator report --url http://host:port [--token T] [--json]`: a running emulator's
 * switch-over report (`/_emulator/usage`) as text tables, or its JSON as is. The token is
 * `--token` or ADMIN_TOKEN, sent as `Authorization: Bearer`. Exit 0 when printed, 1 when the
 * emulator could not be asked or refused, 2 for a bad command line.
 */
import type { UsageView } from './usageBook';
import { usageText } from './usageText';

export interface ReportOptions {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  readonly json?: boolean | undefined;
}

interface ReportIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const TIMEOUT_MS = 10_000;

/** `/_emulator/usage` below the given address (`http://host:port`, or the prefix an app mounted the emulator at). */
export function usageUrl(base: string): URL {
  const url = new URL(base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('not an http(s) URL');
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL('_emulator/usage', url);
}

export async function reportCommand(
  options: ReportOptions,
  adminToken: string,
  io: ReportIo,
): Promise<number> {
  if (!options.url) {
    io.err('report needs --url http://host:port (a running emulator)');
    return 2;
  }
  let url: URL;
  try {
    url = usageUrl(options.url);
  } catch {
    io.err(`--url must be an http(s) URL such as http://localhost:8080, not ${JSON.stringify(options.url)}`);
    return 2;
  }
  const token = options.token ?? adminToken;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    io.err(`no answer from ${url.href}: ${(error as Error).message}`);
    return 1;
  }
  const text = await response.text();
  if (response.status === 401) {
    io.err(`${url.href} answered 401: give the emulator's ADMIN_TOKEN with --token (or ADMIN_TOKEN)`);
    return 1;
  }
  if (response.status !== 200) {
    io.err(
      `${url.href} answered ${response.status}${response.status === 404 ? ' (is the admin API on? see the README, "Steering it from tests")' : ''}: ${text.slice(0, 200)}`,
    );
    return 1;
  }
  let view: UsageView;
  try {
    view = JSON.parse(text) as UsageView;
    if (!Array.isArray(view.rows)) throw new Error('no rows');
  } catch {
    io.err(`${url.href} did not answer a usage report`);
    return 1;
  }
  io.out(options.json ? JSON.stringify(view, null, 2) : usageText(view, url.origin));
  return 0;
}
