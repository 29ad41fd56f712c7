/**
 * The page of `/_emulator/usage` for browsers: one self-contained page (no external assets, no
 * script) that says which operations still depend on the upstream and which clients would break
 * if it were switched off today, then every row counted.
 */
import { escapeHtml } from '../help/escapeHtml';
import type { UsageView } from './usageBook';
import { answeredByText, clientText } from './usageText';

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.5em 0 .4em}
.verdict{margin:.8em 0;padding:8px 12px;border-radius:4px;font-weight:600}
.verdict.bad{background:#ffe3e3;color:#8a0016}.verdict.good{background:#e1f7e1;color:#1b5e20}
.warn{color:#8a0016;font-weight:600}
table{border-collapse:collapse;margin-bottom:1em}
th{text-align:left;background:#f4f4f4;border-bottom:1px solid #ccc;padding:3px 10px}
td{padding:2px 10px;border-bottom:1px solid #eee;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.upstream{color:#8a0016;font-weight:600}
code,td.t{font-family:ui-monospace,monospace;font-size:12px}
`;

const cell = (text: string, cls?: string) => `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</td>`;
const table = (header: readonly string[], rows: readonly string[]) =>
  `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
  `<tbody>\n${rows.join('\n')}\n</tbody></table>`;

export function usageHtml(view: UsageView): string {
  const verdict =
    view.dependsOnUpstream.length > 0
      ? `<div class="verdict bad">The upstream is still needed: ${view.dependsOnUpstream.length} operation(s) ` +
        `were forwarded or not implemented, called by ${view.wouldBreak.length} client(s).</div>`
      : view.upstreamNeeded
        ? `<div class="verdict bad">Nothing counted depends on the upstream, but calls were dropped uncounted: ` +
          `not proven.</div>`
        : `<div class="verdict good">Nothing counted depends on the upstream: every one of the ` +
          `${view.totals.calls} calls since ${escapeHtml(view.since)} was answered here.</div>`;
  const dropped =
    view.droppedCalls > 0
      ? `<p class="warn">${view.droppedCalls} calls were not counted (all ${view.capacity} rows taken): ` +
        `this report may be incomplete.</p>`
      : '';
  const dependencies =
    view.dependsOnUpstream.length === 0
      ? '<p>None.</p>'
      : table(
          ['service', 'operation', 'answered by', 'upstream calls', 'clients', 'first seen', 'last seen'],
          view.dependsOnUpstream.map(
            (d) =>
              `<tr>${cell(d.service)}${cell(d.operation)}${cell(answeredByText(d.answeredBy))}` +
              `${cell(String(d.calls), 'n')}${cell(String(d.clients), 'n')}${cell(d.firstSeen, 't')}${cell(d.lastSeen, 't')}</tr>`,
          ),
        );
  const breaking =
    view.wouldBreak.length === 0
      ? '<p>None.</p>'
      : table(
          [
            'client (user agent)',
            'address',
            'operations that need the upstream',
            'calls',
            'first seen',
            'last seen',
          ],
          view.wouldBreak.map(
            (b) =>
              `<tr>${cell(clientText(b.client))}${cell(b.client.address)}` +
              `${cell(b.operations.map((o) => `${o.service} ${o.operation}`).join(', '))}` +
              `${cell(String(b.calls), 'n')}${cell(b.firstSeen, 't')}${cell(b.lastSeen, 't')}</tr>`,
          ),
        );
  const rows =
    view.rows.length === 0
      ? '<p>No call counted yet.</p>'
      : table(
          [
            'client (user agent)',
            'address',
            'service',
            'operation',
            'transport',
            'answered by',
            'calls',
            'shadowed',
            'first seen',
            'last seen',
          ],
          view.rows.map(
            (r) =>
              `<tr>${cell(clientText(r.client))}${cell(r.client.address)}${cell(r.service)}${cell(r.operation)}` +
              `${cell(r.transport)}${cell(r.answeredBy, r.answeredBy === 'forwarded' || r.answeredBy === 'not-implemented' ? 'upstream' : undefined)}` +
              `${cell(String(r.calls), 'n')}${cell(String(r.shadowed), 'n')}${cell(r.firstSeen, 't')}${cell(r.lastSeen, 't')}</tr>`,
          ),
        );
  const by = answeredByText(view.totals.answeredBy) || 'none';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>asmx-emulator switch-over report</title>
<style>${STYLE}</style></head>
<body><h1>Switch-over report</h1>
<div>Instance <code>${escapeHtml(view.instance)}</code>, ${escapeHtml(view.since)} to ${escapeHtml(view.now)} (the emulator's clock): ${view.totals.calls} calls (${escapeHtml(by)}), ${view.totals.shadowed} shadowed, ${view.rowCount} of at most ${view.capacity} rows. Other instances keep their own counts.</div>
${verdict}
${dropped}
<h2>Operations that still depend on the upstream</h2>
<p>Answered by forwarding to the upstream, or not implemented here.</p>
${dependencies}
<h2>Clients that would break if the upstream were switched off today</h2>
<p>Clients that called those operations.</p>
${breaking}
<h2>Every call counted</h2>
${rows}
</body></html>
`;
}
