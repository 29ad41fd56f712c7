/** The page of `/_emulator/shadow`: verify's HTML report of shadow mode's last differences, and the counts per operation. */
import { htmlReport } from '../verify/htmlReport';
import type { ShadowView } from './shadowMode';

export function shadowReportHtml(view: ShadowView): string {
  const totals = Object.entries(view.operations)
    .map(([operation, c]) => `${operation}: ${c.match} match, ${c.difference} differ, ${c.error} failed`)
    .join('; ');
  return htmlReport(view.differences, {
    title: 'asmx-emulator shadow mode',
    subtitle:
      `copies to ${view.upstream} (skipped: ${view.skip.join(', ') || 'none'}; dropped: ${view.dropped}; pending: ${view.pending}). ` +
      `${totals || 'No call compared yet.'} The last ${view.differences.length} differences:`,
    leftLabel: 'upstream',
    rightLabel: 'emulator',
  });
}
