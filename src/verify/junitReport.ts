/** The JUnit XML of a verify run (what CI systems read): one testcase per case, a failure per difference. */
import type { CaseResult } from './compareAnswers';

/** Characters XML 1.0 cannot carry at all, written as `\\uXXXX`. */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const xml = (text: string) =>
  text
    .replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export function junitReport(suite: string, results: readonly CaseResult[]): string {
  const failures = results.filter((r) => !r.same).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((sum, r) => sum + r.durationMs, 0);
  const cases = results.map((r) => {
    const open = `  <testcase classname="${xml(suite)}" name="${xml(r.name)}" time="${seconds(r.durationMs)}"`;
    if (r.same) return `${open} />`;
    const message = r.error ?? 'the target answered differently from the upstream';
    const detail = `--- upstream\n${r.upstream}\n--- target\n${r.target}`;
    return `${open}>\n    <failure message="${xml(message)}" type="difference">${xml(detail)}</failure>\n  </testcase>`;
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites tests="${results.length}" failures="${failures}" time="${seconds(total)}">\n` +
    `<testsuite name="${xml(suite)}" tests="${results.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(total)}">\n` +
    `${cases.join('\n')}\n</testsuite>\n</testsuites>\n`
  );
}
