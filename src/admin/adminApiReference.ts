import { escapeHtml } from '../help/escapeHtml';

/** One endpoint of the admin API: its verb and path as a user types it, and what it does (markdown). */
export interface AdminEndpoint {
  readonly endpoint: string;
  readonly does: string;
}

/**
 * The admin API's endpoints: the page `GET /_emulator/api` is rendered from this list and a test
 * holds the README's table of the same rows to it, so the two cannot drift apart.
 */
export const ADMIN_ENDPOINTS: readonly AdminEndpoint[] = [
  {
    endpoint: 'GET /_emulator/',
    does: 'the dashboard: clock, live sessions, leak report, armed faults, the journal with filters; forms to advance the clock, arm a fault, end a session, reset. No external assets, readable without JavaScript, refreshes itself every 2 s where JavaScript runs',
  },
  { endpoint: 'GET /_emulator/api', does: 'this list of endpoints as a page' },
  { endpoint: 'GET /_emulator/clock', does: '`{"now", "offsetMs", "real"}`: the emulator\'s time' },
  {
    endpoint: 'POST /_emulator/clock',
    does: '`{"advance": "P30DT1H"}` (ISO-8601 duration; `-P1D` goes back; `Y`/`M` move the calendar) or `{"set": "2027-01-01T00:00:00Z"}` (with a zone)',
  },
  { endpoint: 'DELETE /_emulator/clock', does: 'back to real time' },
  {
    endpoint: 'POST /_emulator/faults',
    does: 'arms a fault (201): `{"fault", "operation", "service", "transport", "times", "latencyMs", "message"}`; `fault` is `store-unavailable`, `latency`, `soap-fault`, `http-500`, `reset-connection` or `error`',
  },
  { endpoint: 'GET /_emulator/faults', does: '`{"faults": [{…, "id", "remaining"}]}`' },
  { endpoint: 'DELETE /_emulator/faults[/<id>]', does: 'disarms all, or one' },
  {
    endpoint: 'GET /_emulator/requests?operation=&user=&outcome=&service=&transport=&since=',
    does: 'the journal, oldest first',
  },
  { endpoint: 'GET /_emulator/requests/count?…', does: '`{"count": n}` for the same filters' },
  { endpoint: 'DELETE /_emulator/requests', does: 'clears the journal' },
  {
    endpoint: 'GET /_emulator/sessions',
    does: 'live sessions: user, `ticketHash`, issued, last used, expires, issuing operation, client',
  },
  {
    endpoint: 'POST /_emulator/sessions',
    does: '`{"user": "jsmith"}`: issues a ticket as a sign-in would (201, `{"ticket", "ticketHash", "user", "expires"}`)',
  },
  {
    endpoint: 'DELETE /_emulator/sessions/<ticket or ticketHash>',
    does: 'ends a session as an expiry would (no LogOut webhook); 404 when not live',
  },
  {
    endpoint: 'GET /_emulator/sessions/report?idle=PT15M',
    does: 'the leak report: per client and per user, sessions logged out, expired or evicted without a LogOut, ended by the admin API, open, and open but unused for longer than `idle`',
  },
  {
    endpoint: 'GET /_emulator/shadow[?format=json]',
    does: "shadow mode's counts per operation and last differences, side by side (404 when `SHADOW_UPSTREAM_URL` is off)",
  },
  {
    endpoint: 'GET /_emulator/usage[?format=html]',
    does: 'the switch-over report: calls by client, service, operation, transport and who answered; what still needs the upstream',
  },
  { endpoint: 'DELETE /_emulator/usage', does: 'starts the switch-over report again' },
  {
    endpoint: 'POST /_emulator/reset',
    does: "clears tickets, the journal, faults and the clock (on Redis: this emulator's key prefix only)",
  },
];

/** Markdown code spans as HTML `<code>`, everything else escaped. */
function inlineHtml(markdown: string): string {
  return markdown
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join('');
}

/** `GET /_emulator/api`: the endpoints as a self-contained page (no external assets, no script). */
export function renderAdminApiPage(): string {
  const rows = ADMIN_ENDPOINTS.map(
    ({ endpoint, does }) =>
      `<tr><th scope="row"><code>${escapeHtml(endpoint)}</code></th><td>${inlineHtml(does)}</td></tr>`,
  ).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>asmx-emulator admin API</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; line-height: 1.4; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid #ddd; }
th code { white-space: nowrap; }
code { font-family: ui-monospace, monospace; font-size: .92em; }
@media (max-width: 700px) { tr, th, td { display: block; } th code { white-space: normal; } }
</style>
</head>
<body>
<h1>Admin API</h1>
<p>JSON in, JSON out. Off unless <code>ADMIN_TOKEN</code> is set or the server listens on a loopback
address; with <code>ADMIN_TOKEN</code> set every call needs <code>Authorization: Bearer &lt;token&gt;</code>.
The <a href="./">dashboard</a> shows the same state.</p>
<table>
<thead><tr><th scope="col">endpoint</th><th scope="col">does</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
