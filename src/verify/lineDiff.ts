/**
 * A line diff for the side-by-side view of the reports: the longest common subsequence of the two
 * answers' lines, as rows of (left, right) with whether they differ. Answers are small; past
 * MAX_LINES a side is compared line by line instead.
 */
export interface DiffRow {
  readonly left: string | undefined;
  readonly right: string | undefined;
  readonly changed: boolean;
}

const MAX_LINES = 2000;

/** Lines of an answer: CRLF and LF both end one; long XML on one line is split at tags. */
export function answerLines(text: string): string[] {
  return text.split(/\r?\n/).flatMap((line) => (line.length > 200 ? line.split(/(?<=>)(?=<)/) : [line]));
}

export function lineDiff(leftText: string, rightText: string): DiffRow[] {
  const a = answerLines(leftText);
  const b = answerLines(rightText);
  if (a.length > MAX_LINES || b.length > MAX_LINES) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => ({
      left: a[i],
      right: b[i],
      changed: a[i] !== b[i],
    }));
  }
  // lengths[i][j]: the common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lengths[i]![j] =
        a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  const rows: DiffRow[] = [];
  let i = 0;
  let j = 0;
  const removed: string[] = [];
  const added: string[] = [];
  const flush = () => {
    // A run of changes shown side by side: removed lines opposite added ones.
    for (let k = 0; k < Math.max(removed.length, added.length); k++)
      rows.push({ left: removed[k], right: added[k], changed: true });
    removed.length = 0;
    added.length = 0;
  };
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      rows.push({ left: a[i], right: b[j], changed: false });
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      removed.push(a[i++]!);
    } else {
      added.push(b[j++]!);
    }
  }
  flush();
  return rows;
}
