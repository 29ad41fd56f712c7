/**
 * ASP.NET's request validation of query-string and form values (requestValidationMode 4.0, the
 * default: every value of the collection is checked when the collection is first read, before
 * ASMX reads its parameters). Ported from System.Web's CrossSiteScriptingValidation and
 * HttpRequest.ValidateString.
 */
import { DotNetMessages } from '../codec/dotnetException';

/** The collection ASP.NET names in its message: `Request.QueryString`, `Request.Form`, `Request.Cookies`. */
export type RequestCollection = 'QueryString' | 'Form' | 'Cookies';

function isAtoZ(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

/**
 * CrossSiteScriptingValidation.IsDangerousString: the index of the first `<` followed by an ASCII
 * letter, `!`, `/` or `?`, or of the first `&#`; undefined when the value is safe (`a < 1 & b > 2`
 * is). A `<` or `&` as the last character is safe.
 */
export function dangerousIndex(value: string): number | undefined {
  // The first of each kind, found by indexOf (most values hold neither), then the earlier one.
  let found = value.indexOf('&#');
  const last = value.length - 1;
  for (let at = value.indexOf('<'); at >= 0 && at < last; at = value.indexOf('<', at + 1)) {
    if (found >= 0 && at > found) break;
    const next = value.charCodeAt(at + 1);
    if (isAtoZ(next) || next === 0x21 || next === 0x2f || next === 0x3f) {
      found = at;
      break;
    }
  }
  return found < 0 ? undefined : found;
}

/** HttpRequest.RemoveNullCharacters: NULs are dropped before a value is validated. */
function withoutNulls(value: string): string {
  return value.includes('\0') ? value.replace(/\0/g, '') : value;
}

/**
 * The first dangerous value of a query string or form, in collection order, as ASP.NET finds it:
 * pairs are grouped by name (ignoring case; the first spelling names the entry) and the values of
 * a name joined with `,`, as NameValueCollection.Get(i) gives them; names starting with `__`
 * (ASP.NET's own fields) and empty values are not checked. `value` is what the message shows
 * (NULs removed), `index` where the dangerous text starts in it.
 */
export function findDangerousValue(
  pairs: ReadonlyArray<readonly [name: string, value: string]>,
): { name: string; value: string; index: number } | undefined {
  // No name given twice (the usual case): each pair is an entry of its own, in order; no grouping.
  if (pairs.length <= 16 && !hasRepeatedName(pairs)) {
    for (const [name, value] of pairs) {
      const dangerous = dangerousEntry(name, value);
      if (dangerous) return dangerous;
    }
    return undefined;
  }
  const entries = new Map<string, { name: string; values: string[] }>();
  for (const [name, value] of pairs) {
    const key = name.toUpperCase();
    const entry = entries.get(key);
    if (entry) entry.values.push(value);
    else entries.set(key, { name, values: [value] });
  }
  for (const { name, values } of entries.values()) {
    const dangerous = dangerousEntry(name, values.join(','));
    if (dangerous) return dangerous;
  }
  return undefined;
}

/** Whether two pairs' names are the same but for case (then their values are one entry). */
function hasRepeatedName(pairs: ReadonlyArray<readonly [name: string, value: string]>): boolean {
  for (let i = 1; i < pairs.length; i++) {
    const name = (pairs[i] as readonly [string, string])[0];
    for (let j = 0; j < i; j++) {
      const other = (pairs[j] as readonly [string, string])[0];
      // Upper-casing keeps an ASCII name's length: names of other lengths differ without it.
      if (other.length !== name.length && isAscii(other) && isAscii(name)) continue;
      if (other.toUpperCase() === name.toUpperCase()) return true;
    }
  }
  return false;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** An entry (its values joined), when it is checked and dangerous. */
function dangerousEntry(
  name: string,
  joined: string,
): { name: string; value: string; index: number } | undefined {
  if (name.startsWith('__')) return undefined;
  const value = withoutNulls(joined);
  if (value === '') return undefined;
  const index = dangerousIndex(value);
  return index === undefined ? undefined : { name, value, index };
}

/**
 * The HttpRequestValidationException message (without the type):
 * `A potentially dangerous Request.QueryString value was detected from the client (description="<b>bold</b>").`
 * Only the part around the dangerous text is shown: from 10 characters before it (with a
 * leading `...` when cut) to 20 characters after its start (with a trailing `...` when cut).
 */
export function requestValidationMessage(collection: RequestCollection, name: string, value: string): string {
  const text = withoutNulls(value);
  const index = dangerousIndex(text) ?? 0;
  let detected = `${name}="`;
  let start = index - 10;
  if (start <= 0) start = 0;
  else detected += '...';
  const end = index + 20;
  detected += end >= text.length ? `${text.slice(start)}"` : `${text.slice(start, end)}..."`;
  return DotNetMessages.dangerousInput(`Request.${collection}`, detected);
}
