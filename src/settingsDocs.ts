/**
 * The settings reference, generated from the schema and SETTING_DOCS in config.ts: the README's
 * settings section (`npm run docs:settings` writes it between the markers) and the options of
 * --help. A setting added to the schema shows up in both by itself.
 */
import path from 'node:path';
import {
  ConfigSchema,
  flagOf,
  PACKAGE_ROOT,
  SETTING_DOCS,
  SETTING_GROUPS,
  variableOf,
  type Config,
  type SettingDoc,
} from './config';

export const SETTINGS_START = '<!-- settings:start -->';
export const SETTINGS_END = '<!-- settings:end -->';

export interface SettingReference {
  readonly key: string;
  readonly variable: string;
  readonly flag: string;
  readonly group: string;
  /** The flag's argument, e.g. `<n>`, `<memory|redis>`, `<url>`. */
  readonly value: string;
  /** The default as text, `none` for an empty one. */
  readonly defaultText: string;
  readonly description: string;
  /** The allowed values the schema's checks (or the docs) give, when they say something. */
  readonly allowed?: string;
}

interface SchemaDef {
  readonly type: string;
  readonly innerType?: SchemaLike;
  readonly in?: SchemaLike;
  readonly options?: readonly SchemaLike[];
  readonly entries?: Record<string, string>;
}
interface SchemaLike {
  readonly def: SchemaDef;
  readonly minValue?: number | null;
  readonly maxValue?: number | null;
  readonly isInt?: boolean;
  readonly options?: readonly string[];
}

/** The schema under its default and pipes (list settings are a union behind a transform). */
function core(schema: SchemaLike): SchemaLike {
  let current = schema;
  for (;;) {
    const def = current.def;
    if (def.type === 'default' && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

function isFlag(schema: SchemaLike): boolean {
  return schema.def.type === 'union' && (schema.def.options ?? []).some((o) => o.def.type === 'boolean');
}

function isList(schema: SchemaLike): boolean {
  return schema.def.type === 'union' && (schema.def.options ?? []).some((o) => o.def.type === 'array');
}

function allowedOf(schema: SchemaLike, doc: SettingDoc): string | undefined {
  if (doc.allowed) return doc.allowed;
  if (schema.def.type === 'number') {
    const { minValue: min, maxValue: max } = schema;
    const kind = schema.isInt ? 'an integer' : 'a number';
    if (typeof min === 'number' && typeof max === 'number') return `${kind} ${min}–${max}`;
    return undefined;
  }
  if (schema.def.type === 'enum' && schema.options) {
    return `one of ${schema.options.map((o) => `\`${o}\``).join(', ')}`;
  }
  if (isFlag(schema)) return '`true` or `false`';
  return undefined;
}

function valueOf(schema: SchemaLike, doc: SettingDoc): string {
  if (doc.value) return doc.value;
  if (schema.def.type === 'number') return '<n>';
  if (schema.def.type === 'enum' && schema.options) return `<${schema.options.join('|')}>`;
  if (isFlag(schema)) return '<true|false>';
  if (isList(schema)) return '<a,b,…>';
  return '<text>';
}

function defaultOf(key: string, doc: SettingDoc): string {
  if (doc.defaultText) return doc.defaultText;
  const shape = ConfigSchema.shape as unknown as Record<
    string,
    { safeParse(v: unknown): { success: boolean; data?: unknown } }
  >;
  const parsed = shape[key]?.safeParse(undefined);
  const value = parsed?.success ? parsed.data : undefined;
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return 'none';
  if (typeof value === 'string' && path.isAbsolute(value) && value.startsWith(PACKAGE_ROOT + path.sep)) {
    return path.relative(PACKAGE_ROOT, value).split(path.sep).join('/');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const UNDOCUMENTED: SettingDoc = {
  group: 'server',
  description: '(undocumented: add it to SETTING_DOCS in src/config.ts)',
};

/** Every setting in schema order: its names, group, argument, default, meaning and allowed values. */
export function settingsReference(): SettingReference[] {
  return Object.entries(ConfigSchema.shape as unknown as Record<string, SchemaLike>).map(([key, schema]) => {
    const doc = (SETTING_DOCS as Record<string, SettingDoc | undefined>)[key] ?? UNDOCUMENTED;
    const inner = core(schema);
    const allowed = allowedOf(inner, doc);
    return {
      key,
      variable: variableOf(key),
      flag: flagOf(key),
      group: doc.group,
      value: valueOf(inner, doc),
      defaultText: defaultOf(key as keyof Config, doc),
      description: doc.description,
      ...(allowed ? { allowed } : {}),
    };
  });
}

function byGroup(): [string, SettingReference[]][] {
  const settings = settingsReference();
  return Object.entries(SETTING_GROUPS)
    .map(([id, title]): [string, SettingReference[]] => [title, settings.filter((s) => s.group === id)])
    .filter(([, members]) => members.length > 0);
}

/** A markdown table laid out as prettier lays it out (columns padded to their widest cell). */
function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cells = (row: readonly string[]) => row.map((cell) => cell.replace(/\|/g, '\\|'));
  const all = [cells(header), ...rows.map(cells)];
  const widths = header.map((_, column) => Math.max(3, ...all.map((row) => [...(row[column] ?? '')].length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - [...cell].length)).join(' | ')} |`;
  return [
    line(all[0] ?? []),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...all.slice(1).map(line),
  ];
}

const code = (text: string) => `\`${text}\``;

/** The README's settings section: what goes between SETTINGS_START and SETTINGS_END. */
export function renderSettingsSection(): string {
  const lines = [
    '',
    '<!-- Generated from src/config.ts (ConfigSchema, SETTING_DOCS) by `npm run docs:settings`: edit there. -->',
    '',
    'Every setting has an environment variable, a command-line flag and a config-file key of one name:',
    '`TICKET_TTL_DAYS`, `--ticket-ttl-days`, `"ticketTtlDays"`. Lists are comma-separated (JSON arrays in',
    'the config file), switches `true` or `false` (`1`/`0` and `yes`/`no` too); `asmx-emulator --help`',
    'prints this reference.',
  ];
  for (const [title, members] of byGroup()) {
    lines.push('', `**${title}**`, '');
    lines.push(
      ...markdownTable(
        ['variable', 'flag', 'default', 'meaning'],
        members.map((s) => [
          code(s.variable),
          code(s.flag),
          s.defaultText === 'none' ? 'none' : code(s.defaultText),
          s.allowed ? `${s.description}; ${s.allowed}` : s.description,
        ]),
      ),
    );
  }
  // A blank line before the end marker, as prettier lays markdown out.
  lines.push('', '');
  return lines.join('\n');
}

/** The README with its settings section replaced by the generated one. */
export function replaceSettingsSection(readme: string): string {
  const start = readme.indexOf(SETTINGS_START);
  const end = readme.indexOf(SETTINGS_END);
  if (start < 0 || end < start) {
    throw new Error(`README has no ${SETTINGS_START} … ${SETTINGS_END} section to generate`);
  }
  return readme.slice(0, start + SETTINGS_START.length) + renderSettingsSection() + readme.slice(end);
}

/** Markdown to terminal text: code spans and links lose their markup. */
const plain = (text: string) => text.replace(/`([^`]*)`/g, '$1').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');

/** Words of `text` on lines of at most `width` characters, each after `indent`. */
function wrap(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** The settings part of --help: per group, each flag with its argument, variable and default, then its meaning. */
export function renderHelpSettings(): string {
  const out: string[] = [];
  for (const [title, members] of byGroup()) {
    out.push('', `${title}:`);
    for (const s of members) {
      const defaultText = s.defaultText === 'none' ? 'not set' : `default ${s.defaultText}`;
      out.push(`  ${s.flag} ${s.value}  (${s.variable}, ${defaultText})`);
      out.push(...wrap(plain(s.allowed ? `${s.description}; ${s.allowed}` : s.description), '      '));
    }
  }
  return out.join('\n');
}
