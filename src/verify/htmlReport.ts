/**
 * The HTML report of a verify run (and of shadow mode's last differences): one self-contained
 * page, no external assets and no script, with a summary and, per differing case, the upstream's
 * and the target's answers side by side, the differing lines marked.
 */
import { escapeHtml } from '../help/escapeHtml';
import type { CaseResult } from './compareAnswers';
import { lineDiff } from './lineDiff';

export interface HtmlReportOptions {
  readonly title: string;
  /** One line under the title: what was compared with what. */
  readonly subtitle: string;
  readonly leftLabel?: string;
  readonly rightLabel?: string;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .2em}
.summary{margin:.5em 0 1em;font-weight:600}
.summary .bad{color:#b00020}.summary .good{color:#1b6e20}
table.cases{border-collapse:collapse;margin-bottom:1.5em}
table.cases td{padding:2px 10px;border-bottom:1px solid #eee}
td.same{color:#1b6e20}td.differs{color:#b00020;font-weight:600}
section.case{margin:1.5em 0;border:1px solid #ccc;border-radius:4px}
section.case h2{font-size:1.05em;margin:0;padding:6px 10px;background:#f4f4f4;border-bottom:1px solid #ccc}
table.diff{width:100%;border-collapse:collapse;table-layout:fixed;font:12px/1.35 ui-monospace,monospace}
table.diff th{text-align:left;padding:4px 8px;background:#fafafa;border-bottom:1px solid #ddd}
table.diff td{vertical-align:top;padding:0 8px;white-space:pre-wrap;word-break:break-all}
tr.changed td.left{background:#ffe3e3}tr.changed td.right{background:#e1f7e1}
.error{color:#b00020;padding:6px 10px}
`;

export function htmlReport(results: readonly CaseResult[], options: HtmlReportOptions): string {
  const differing = results.filter((r) => !r.same);
  const left = escapeHtml(options.leftLabel ?? 'upstream');
  const right = escapeHtml(options.rightLabel ?? 'target');
  const rows = results
    .map(
      (r) =>
        `<tr><td>${r.same ? escapeHtml(r.name) : `<a href="#${anchor(r.name)}">${escapeHtml(r.name)}</a>`}</td>` +
        `<td class="${r.same ? 'same' : 'differs'}">${r.same ? 'same' : 'differs'}</td></tr>`,
    )
    .join('\n');
  const sections = differing
    .map((r) => {
      const diff = lineDiff(r.upstream, r.target)
        .map(
          (row) =>
            `<tr${row.changed ? ' class="changed"' : ''}><td class="left">${escapeHtml(row.left ?? '')}</td>` +
            `<td class="right">${escapeHtml(row.right ?? '')}</td></tr>`,
        )
        .join('\n');
      return (
        `<section class="case" id="${anchor(r.name)}"><h2>${escapeHtml(r.name)}</h2>` +
        (r.error ? `<div class="error">${escapeHtml(r.error)}</div>` : '') +
        `<table class="diff"><thead><tr><th>${left}</th><th>${right}</th></tr></thead><tbody>\n${diff}\n</tbody></table></section>`
      );
    })
    .join('\n');
  const summary =
    differing.length === 0
      ? `<span class="good">${results.length} cases, all the same</span>`
      : `<span class="bad">${differing.length} of ${results.length} cases differ</span>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style></head>
<body><h1>${escapeHtml(options.title)}</h1><div>${escapeHtml(options.subtitle)}</div>
<div class="summary">${summary}</div>
<table class="cases">${rows}</table>
${sections}
</body></html>
`;
}

function anchor(name: string): string {
  return `case-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
