import { readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { MemoryTicketStore, SnapshotEntry } from './MemoryTicketStore';

/**
 * The snapshot file of the memory store: a header line, then one JSON array per live ticket
 * (`[ticket, userKey, expiresAt]`, least recently used first), then a trailer line with the count,
 * so a truncated file is recognised as such.
 */
const FORMAT = 'asmx-emulator-tickets';
const VERSION = 1;

export type Warn = (message: string) => void;

/**
 * Writes the snapshot atomically: to a temporary file beside it, flushed, then renamed over it,
 * so a crash mid-write leaves the previous snapshot intact. The entries are collected in one
 * synchronous pass (a consistent view) and written asynchronously.
 */
export async function writeSnapshot(path: string, store: MemoryTicketStore): Promise<number> {
  const chunks: string[] = [`${JSON.stringify({ format: FORMAT, version: VERSION })}\n`];
  let chunk = '';
  let count = 0;
  for (const entry of store.liveTickets()) {
    chunk += `${JSON.stringify(entry)}\n`;
    count++;
    if (chunk.length > 1 << 20) {
      chunks.push(chunk);
      chunk = '';
    }
  }
  chunks.push(`${chunk}${JSON.stringify({ count })}\n`);
  const temporary = `${path}.${process.pid}.tmp`;
  const file = await open(temporary, 'w', 0o600);
  try {
    for (const piece of chunks) await file.write(piece);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  await rename(temporary, path);
  return count;
}

/**
 * Loads a snapshot into the store. A missing file starts empty; a truncated or corrupt one starts
 * empty with a warning — never a crash, never half a snapshot.
 */
export function loadSnapshot(path: string, store: MemoryTicketStore, warn: Warn): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      warn(`ticket snapshot ${path} unreadable, starting empty: ${(error as Error).message}`);
    return 0;
  }
  const entries = parseSnapshot(text);
  if (typeof entries === 'string') {
    warn(`ticket snapshot ${path} ${entries}, starting empty`);
    return 0;
  }
  return store.restore(entries);
}

function parseSnapshot(text: string): SnapshotEntry[] | string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header = parseJson(lines[0] ?? '') as { format?: unknown; version?: unknown } | undefined;
  if (header?.format !== FORMAT || header.version !== VERSION) return 'is not a ticket snapshot';
  // The trailer is written last: without it (or with another count) the write was cut short.
  const trailer =
    lines.length > 1 ? (parseJson(lines.at(-1) as string) as { count?: unknown } | undefined) : undefined;
  const body = lines.slice(1, -1);
  if (trailer?.count !== body.length) return 'is truncated';
  const entries: SnapshotEntry[] = [];
  for (const line of body) {
    const entry = parseJson(line);
    if (!isEntry(entry)) return 'is corrupt';
    entries.push(entry);
  }
  return entries;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

function isEntry(value: unknown): value is SnapshotEntry {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === 'string' &&
    value[0].length <= 64 &&
    typeof value[1] === 'string' &&
    typeof value[2] === 'number' &&
    Number.isFinite(value[2])
  );
}
