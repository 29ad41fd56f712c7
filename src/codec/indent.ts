/**
 * XmlTextWriter's `Formatting.Indented` with `Indentation = 2` (what XmlSerializer uses for the
 * HTTP GET/POST answers): a line feed, then two spaces per level.
 */
const NEWLINES: string[] = ['\n'];

/** LF followed by the indentation of `depth` (0 = the document element's level). */
export function newlineIndent(depth: number): string {
  let text = NEWLINES[depth];
  if (text === undefined) {
    for (let level = NEWLINES.length; level <= depth; level++) {
      NEWLINES[level] = `${NEWLINES[level - 1] as string}  `;
    }
    text = NEWLINES[depth] as string;
  }
  return text;
}
