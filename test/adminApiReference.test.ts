/**
 * The admin API's reference is one list (src/admin/adminApiReference.ts): served as a page, held
 * equal to the README's table, and to the routes the admin router really has.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_ENDPOINTS } from '../src/admin/adminApiReference';
import type { AdminControl } from '../src/admin/adminControl';
import { adminRoutes } from '../src/admin/adminRoutes';
import { httpRequest } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** The rows of the README's `| endpoint | does |` table, code spans of the first cell unwrapped. */
function readmeRows(): { endpoint: string; does: string }[] {
  const lines = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8').split('\n');
  const header = lines.findIndex((line) => /^\| endpoint +\| does +\|$/.test(line));
  expect(header).toBeGreaterThan(0);
  const rows: { endpoint: string; does: string }[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [endpoint = '', does = ''] = line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim());
    rows.push({ endpoint: endpoint.replace(/^`|`$/g, ''), does });
  }
  return rows;
}

test("the README's table is the reference, row for row", () => {
  expect(readmeRows()).toEqual(ADMIN_ENDPOINTS.map(({ endpoint, does }) => ({ endpoint, does })));
});

test('every route of the admin router is in the reference, and every endpoint of the reference is routed', () => {
  // The routes only, never called: no control plane behind them.
  const router = adminRoutes({} as AdminControl, {
    token: '',
    configuredHost: '127.0.0.1',
  }) as unknown as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  const routed = router.stack
    .filter((layer) => layer.route)
    .flatMap(({ route }) =>
      Object.keys(route!.methods).map((method) => `${method.toUpperCase()} /_emulator${route!.path}`),
    )
    .sort();
  // `[/<id>]` and `[?…]` are optional parts, `<x>` and `:x` a path parameter, `?…` a query.
  const referenced = ADMIN_ENDPOINTS.flatMap(({ endpoint }) => {
    const bare = endpoint.replace(/\[\?[^\]]*\]$/, '').replace(/\?.*$/, '');
    const optional = /^(.*)\[(\/[^\]]+)\]$/.exec(bare);
    const forms = optional ? [optional[1]!, optional[1]! + optional[2]!] : [bare];
    return forms.map((form) => form.replace(/<[^>]+>/g, ':param'));
  }).sort();
  expect(routed.map((route) => route.replace(/:\w+/g, ':param'))).toEqual(referenced);
});

test('GET /_emulator/api serves the reference as a page of its own: every endpoint, escaped, no external asset', async () => {
  const res = await httpRequest(server.origin, '/_emulator/api');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  for (const { endpoint } of ADMIN_ENDPOINTS) {
    expect(res.body).toContain(
      `<code>${endpoint.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</code>`,
    );
  }
  expect(res.body).not.toMatch(/<(script|link)\b|src=/i);
  expect(res.body).toContain('<code>{&quot;count&quot;: n}</code>');
});
