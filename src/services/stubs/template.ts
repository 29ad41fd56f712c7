/**
 * `{{name}}` placeholders in stub results: replaced at request time by the text of an argument
 * (a parameter, a dotted path into a complex parameter, or `$user`). In an XmlNode result the text
 * is XML-escaped (escapeAttribute: safe in element text and in double-quoted attributes); in the
 * string members of typed results it is inserted raw, since the encoder escapes those.
 */
import { DotNetDateTime, type Arguments } from '../../codec/values';
import type { OperationModel } from '../../contract/model';
import { escapeAttribute } from '../../xml/escape';
import type { HandlerContext } from '../handlerApi';
import { readName, resolveName, type ResolvedName } from './argumentPath';
import { describeType } from './describe';

/**
 * The text of an argument: strings as is, absent or null → empty, numbers, booleans and bigints
 * canonical, a DateTime as the client sent it (else its .NET form), bytes as base64, arrays
 * joined by `,`.
 */
export function argumentText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof DotNetDateTime) return value.sent ?? value.toString();
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(argumentText).join(',');
  return String(value);
}

export interface Placeholder {
  /** Offsets of `{{` and just after `}}` in the text. */
  readonly start: number;
  readonly end: number;
  /** The name between the braces, trimmed. */
  readonly name: string;
}

/** The `{{…}}` placeholders of a text, in order (braces inside a name are not allowed). */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('{{', from);
    if (start < 0) return found;
    const end = text.indexOf('}}', start + 2);
    if (end < 0) return found;
    const inner = text.slice(start + 2, end);
    if (inner.includes('{')) {
      // `{{{x}}`: the placeholder is the innermost `{{`.
      from = start + 1;
      continue;
    }
    found.push({ start, end: end + 2, name: inner.trim() });
    from = end + 2;
  }
}

/** Replaces each placeholder by `replace(placeholder, i)`. */
export function substitute(
  text: string,
  placeholders: readonly Placeholder[],
  replace: (p: Placeholder, i: number) => string,
): string {
  let out = '';
  let last = 0;
  placeholders.forEach((p, i) => {
    out += text.slice(last, p.start) + replace(p, i);
    last = p.end;
  });
  return out + text.slice(last);
}

export type TextProducer = (args: Arguments, context: HandlerContext) => string;

export type CompiledTemplate =
  | { readonly constant: true; readonly text: string }
  | { readonly constant: false; readonly produce: TextProducer };

/**
 * Checks every placeholder of a text against the operation (pushing one problem per unknown
 * name) and compiles the text. `escape` says whether values land in XML.
 */
export function compileTemplate(
  text: string,
  operation: OperationModel,
  escape: boolean,
  where: string,
  problems: string[],
): CompiledTemplate {
  const placeholders = findPlaceholders(text);
  if (placeholders.length === 0) return { constant: true, text };
  const names: ResolvedName[] = [];
  let ok = true;
  for (const p of placeholders) {
    const resolved = resolveName(p.name, operation);
    if ('error' in resolved) {
      problems.push(`${where}: placeholder {{${p.name}}}: ${resolved.error}`);
      ok = false;
      continue;
    }
    if (resolved.kind === 'argument') {
      const type = resolved.type;
      const textless =
        type.kind === 'complex'
          ? `name one of its members instead, e.g. {{${p.name}.${type.members[0]?.name ?? 'Member'}}}`
          : type.kind === 'xmlNode' || (type.kind === 'array' && type.item.type.kind === 'complex')
            ? 'a placeholder names a value of a simple type, or an array of them'
            : undefined;
      if (textless !== undefined) {
        problems.push(
          `${where}: placeholder {{${p.name}}} names ${describeType(type)}, which has no text; ${textless}`,
        );
        ok = false;
        continue;
      }
    }
    names.push(resolved);
  }
  if (!ok) return { constant: true, text };
  return {
    constant: false,
    produce: (args, context) =>
      substitute(text, placeholders, (_p, i) => {
        const raw = argumentText(readName(names[i] as ResolvedName, args, context));
        return escape ? escapeAttribute(raw) : raw;
      }),
  };
}
