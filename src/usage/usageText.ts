/** The switch-over report as text tables, for `asmx-emulator report`. */
import type { AnsweredBy } from '../services/invoke';
import type { UsageClient, UsageView } from './usageBook';

/** Columns padded to their widest cell, two spaces apart; no trailing blanks. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const clientText = (client: UsageClient) => client.userAgent || '(no user agent)';

export function answeredByText(counts: Readonly<Partial<Record<AnsweredBy, number>>>): string {
  return Object.entries(counts)
    .map(([by, calls]) => `${by} ${calls}`)
    .join(', ');
}

export function usageText(view: UsageView, source: string): string {
  const lines: string[] = [];
  lines.push(
    `Switch-over report of ${source} (instance ${view.instance}), ${view.since} to ${view.now}:`,
    `${view.totals.calls} calls counted (${answeredByText(view.totals.answeredBy) || 'none'}), ` +
      `${view.totals.shadowed} shadowed; ${view.rowCount} of at most ${view.capacity} rows; ` +
      `${view.droppedCalls} calls dropped.`,
  );
  if (view.droppedCalls > 0)
    lines.push(
      'The book was full: the calls dropped are not in the tables below, so they may be incomplete.',
    );
  lines.push('');
  if (view.dependsOnUpstream.length === 0) {
    lines.push('No operation depends on the upstream: every call counted was answered here.');
  } else {
    lines.push(
      `Operations that still depend on the upstream (forwarded or not implemented): ${view.dependsOnUpstream.length}`,
      textTable(
        ['SERVICE', 'OPERATION', 'ANSWERED BY', 'UPSTREAM CALLS', 'CLIENTS', 'FIRST SEEN', 'LAST SEEN'],
        view.dependsOnUpstream.map((d) => [
          d.service,
          d.operation,
          answeredByText(d.answeredBy),
          String(d.calls),
          String(d.clients),
          d.firstSeen,
          d.lastSeen,
        ]),
      ),
      '',
      `Clients that would break if the upstream were switched off today: ${view.wouldBreak.length}`,
      textTable(
        ['CLIENT', 'ADDRESS', 'OPERATIONS', 'CALLS', 'FIRST SEEN', 'LAST SEEN'],
        view.wouldBreak.map((b) => [
          clientText(b.client),
          b.client.address,
          b.operations.map((o) => `${o.service} ${o.operation}`).join(', '),
          String(b.calls),
          b.firstSeen,
          b.lastSeen,
        ]),
      ),
    );
  }
  lines.push('', `Every call counted: ${view.rowCount} rows`);
  if (view.rows.length > 0) {
    lines.push(
      textTable(
        [
          'CLIENT',
          'ADDRESS',
          'SERVICE',
          'OPERATION',
          'TRANSPORT',
          'ANSWERED BY',
          'CALLS',
          'SHADOWED',
          'FIRST SEEN',
          'LAST SEEN',
        ],
        view.rows.map((r) => [
          clientText(r.client),
          r.client.address,
          r.service,
          r.operation,
          r.transport,
          r.answeredBy,
          String(r.calls),
          String(r.shadowed),
          r.firstSeen,
          r.lastSeen,
        ]),
      ),
    );
  }
  return lines.join('\n');
}
