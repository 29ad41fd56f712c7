/** V8 makes shorter substrings as copies; longer ones point into the string they were cut from. */
export const SHORTEST_SLICE = 13;

/**
 * A copy of `text` that holds its own characters only: a substring of a request (a ticket read
 * from its URL or body) keeps the whole request alive as long as it lives.
 */
export function ownCopy(text: string): string {
  if (text.length < SHORTEST_SLICE) return text;
  // Cutting a concatenation flattens it into a new string first; trimEnd is the quicker cut, when
  // the text does not end in white space of its own.
  const last = text.charCodeAt(text.length - 1);
  return last > 0x20 && last < 0x7f ? (text + ' ').trimEnd() : (' ' + text).slice(1);
}
