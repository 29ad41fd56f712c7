import { escapeHtml as e } from '../help/escapeHtml';
import type { ClockView } from './adminControl';
import { FAULT_KINDS, type ArmedFault } from './faultBook';
import type { JournalEntry, JournalFilter } from './journal';
import type { LeakCounts, LeakReport, SessionView } from './sessionRegistry';

export interface DashboardData {
  /** Where the admin API is mounted (`/_emulator`). */
  readonly base: string;
  /** The nonce of the page's one script and one style (Content-Security-Policy). */
  readonly nonce: string;
  readonly clock: ClockView;
  readonly sessions: readonly SessionView[];
  readonly report: LeakReport;
  readonly faults: readonly ArmedFault[];
  /** Newest first. */
  readonly journal: readonly JournalEntry[];
  readonly filter: JournalFilter;
  readonly instance: string;
  readonly journalCapacity: number;
  readonly notice?: string;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:80rem;color:#1b1b1b}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;display:block;overflow-x:auto}
th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top;white-space:nowrap}
th{background:#f3f3f3}code{font-size:.9em}
form{display:inline-flex;gap:.4rem;flex-wrap:wrap;align-items:end;margin:.2rem 0}
label{display:flex;flex-direction:column;font-size:.85em}
input,select,button{font:inherit;padding:.2rem .4rem}
.notice{background:#fff7d6;border:1px solid #e6c200;padding:.4rem .6rem}
.empty{color:#666}.leak{color:#a00;font-weight:bold}
`;

/**
 * Refreshes the live sections every two seconds where JavaScript runs: fetches this page again and
 * swaps the sections marked `data-live`, leaving the forms (and what is typed in them) alone.
 */
const SCRIPT = `
(function () {
  function refresh() {
    fetch(location.href, { headers: { Accept: 'text/html' }, cache: 'no-store' })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error(String(r.status))); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        document.querySelectorAll('[data-live]').forEach(function (section) {
          var fresh = doc.getElementById(section.id);
          if (fresh) section.innerHTML = fresh.innerHTML;
        });
        document.documentElement.setAttribute('data-refreshed', String(Date.now()));
      })
      .catch(function () { /* the emulator may be restarting: try again at the next tick */ })
      .then(function () { setTimeout(refresh, 2000); });
  }
  setTimeout(refresh, 2000);
})();
`;

const when = (iso: string) =>
  `<time datetime="${e(iso)}">${e(iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time>`;

function table(headers: readonly string[], rows: readonly string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${e(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function leakRow(name: string, counts: LeakCounts): string[] {
  const leaked = counts.expiredWithoutLogout + counts.evictedWithoutLogout;
  return [
    name,
    String(counts.loggedOut),
    leaked ? `<span class="leak">${counts.expiredWithoutLogout}</span>` : '0',
    String(counts.evictedWithoutLogout),
    String(counts.endedByAdmin),
    String(counts.open),
    counts.openIdle ? `<span class="leak">${counts.openIdle}</span>` : '0',
  ];
}

const LEAK_HEADERS = [
  '',
  'logged out',
  'expired without LogOut',
  'evicted without LogOut',
  'ended by admin',
  'open',
  'open and idle',
];

/** The dashboard: everything readable without JavaScript, forms that post back and return here. */
export function renderDashboard(data: DashboardData): string {
  const base = e(data.base);
  const f = data.filter;
  const option = (value: string, selected?: string) =>
    `<option${value === selected ? ' selected' : ''}>${e(value)}</option>`;
  const sessions = table(
    ['user', 'ticket', 'issued', 'last used', 'expires', 'by', 'client', ''],
    data.sessions.map((s) => [
      e(s.user),
      `<code>#${e(s.ticketHash)}</code>`,
      when(s.issued),
      when(s.lastUsed),
      when(s.expires),
      e(s.operation),
      `${e(s.client.userAgent || '-')} @ ${e(s.client.address)}`,
      `<form method="post" action="${base}/sessions/${e(s.ticketHash)}"><input type="hidden" name="_method" value="DELETE"><button>End session</button></form>`,
    ]),
    'No live session opened through this instance.',
  );
  const report = table(
    LEAK_HEADERS,
    [
      ...data.report.byClient.map((c) =>
        leakRow(`client ${e(c.client.userAgent || '-')} @ ${e(c.client.address)}`, c),
      ),
      ...data.report.byUser.map((u) => leakRow(`user ${e(u.user)}`, u)),
    ],
    'No session yet.',
  );
  const faults = table(
    ['id', 'fault', 'service', 'operation', 'transport', 'left', 'latency', 'message', ''],
    data.faults.map((x) => [
      e(x.id),
      e(x.fault),
      e(x.service),
      e(x.operation),
      e(x.transport),
      String(x.remaining),
      x.fault === 'latency' ? `${x.latencyMs} ms` : '',
      e(x.message ?? ''),
      `<form method="post" action="${base}/faults/${e(x.id)}"><input type="hidden" name="_method" value="DELETE"><button>Disarm</button></form>`,
    ]),
    'No fault armed.',
  );
  const journal = table(
    [
      '#',
      'time',
      'service',
      'operation',
      'transport',
      'user',
      'arguments',
      'outcome',
      'status',
      'ms',
      'client',
      'fault',
    ],
    data.journal.map((j) => [
      String(j.seq),
      when(j.time),
      e(j.service),
      e(j.operation),
      e(j.transport),
      e(j.user ?? ''),
      `<code>${e(JSON.stringify(j.arguments))}</code>`,
      e(j.outcome),
      String(j.status),
      String(j.durationMs),
      `${e(j.userAgent || '-')} @ ${e(j.clientAddress)}`,
      e(j.fault ?? ''),
    ]),
    data.journalCapacity === 0
      ? 'The journal is off (JOURNAL_SIZE=0).'
      : 'No call recorded (or none matches the filter).',
  );
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>asmx-emulator: steering</title><style nonce="${e(data.nonce)}">${STYLE}</style></head>
<body><main>
<h1>asmx-emulator: steering</h1>
${data.notice ? `<p class="notice" role="status">${e(data.notice)}</p>` : ''}
<p>Instance <code>${e(data.instance)}</code>. Sessions, the leak report, the journal, the clock offset and the faults are this instance's.</p>

<section id="clock" data-live><h2>Clock</h2>
<p>Emulator time: <strong id="clock-now">${when(data.clock.now)}</strong> ${
    data.clock.real ? '(real time)' : `(offset ${e(String(data.clock.offsetMs))} ms from real time)`
  }</p></section>
<form method="post" action="${base}/clock" aria-label="Advance the clock"><label>Advance by (ISO-8601)<input name="advance" value="P31D" required></label><button>Advance the clock</button></form>
<form method="post" action="${base}/clock" aria-label="Set the clock"><label>Set to (ISO-8601)<input name="set" placeholder="2027-01-01T00:00:00Z" required></label><button>Set the clock</button></form>
<form method="post" action="${base}/clock"><input type="hidden" name="_method" value="DELETE"><button>Back to real time</button></form>

<section id="sessions" data-live><h2>Live sessions (${data.sessions.length})</h2>${sessions}</section>

<section id="report" data-live><h2>Leak report</h2>
<p>Sessions that ended without a LogOut, or are open and unused for over 15 minutes (<code>GET ${base}/sessions/report?idle=PT15M</code>).${
    data.report.untracked ? ` ${data.report.untracked} sessions were not followed (over the bound).` : ''
  }</p>${report}</section>

<section id="faults" data-live><h2>Armed faults</h2>${faults}</section>
<form method="post" action="${base}/faults" aria-label="Arm a fault">
<label>Fault<select name="fault">${FAULT_KINDS.map((k) => option(k)).join('')}</select></label>
<label>Operation<input name="operation" value="any"></label>
<label>Transport<select name="transport">${['any', 'soap11', 'soap12', 'http-get', 'http-post'].map((t) => option(t)).join('')}</select></label>
<label>Service<input name="service" value="any"></label>
<label>Times<input name="times" type="number" min="1" value="1"></label>
<label>Latency ms<input name="latencyMs" type="number" min="0" value="1000"></label>
<label>Message<input name="message" placeholder="[905] Custom"></label>
<button>Arm the fault</button></form>
<form method="post" action="${base}/faults"><input type="hidden" name="_method" value="DELETE"><button>Disarm all</button></form>

<h2>Journal</h2>
<form method="get" action="${base}/" aria-label="Filter the journal">
<label>Operation<input name="operation" value="${e(f.operation ?? '')}"></label>
<label>User<input name="user" value="${e(f.user ?? '')}"></label>
<label>Outcome<input name="outcome" value="${e(f.outcome ?? '')}" placeholder="E901"></label>
<label>Since<input name="since" value="${f.since !== undefined ? e(new Date(f.since).toISOString()) : ''}" placeholder="2026-01-01T00:00:00Z"></label>
<button>Filter</button></form>
<form method="post" action="${base}/requests"><input type="hidden" name="_method" value="DELETE"><button>Clear the journal</button></form>
<section id="journal" data-live><p>The newest ${data.journal.length} calls, newest first (of at most ${data.journalCapacity}).</p>${journal}</section>

<h2>Reset</h2>
<form method="post" action="${base}/reset"><button>Reset: tickets, journal, faults and clock</button></form>
</main><script nonce="${e(data.nonce)}">${SCRIPT}</script></body></html>
`;
}
