import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { MemoryTicketStore } from './MemoryTicketStore';
import { syncDirectory } from './revocationLog';

/**
 * The snapshot file of the memory store: a header line, then one JSON array per live ticket
 * (`[ticket, userKey, expiresAt]`, least recently used first), then a trailer line with the count,
 * so a truncated file is recognised as such.
 */
const FORMAT = 'asmx-emulator-tickets';
const VERSION = 1;

export type Warn = (message: string) => void;

/** A snapshot's content, collected in one synchronous pass: a consistent view of the store. */
export interface CollectedSnapshot {
  readonly chunks: readonly string[];
  readonly count: number;
}

export function collectSnapshot(store: MemoryTicketStore): CollectedSnapshot {
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
  return { chunks, count };
}

/**
 * Writes the snapshot atomically: to a temporary file beside it, flushed, then renamed over it
 * and the directory flushed, so a crash mid-write leaves the previous snapshot intact and a
 * snapshot reported written survives a power loss. The entries are collected in one synchronous
 * pass (a consistent view) and written asynchronously.
 */
export async function writeSnapshot(file: string, store: MemoryTicketStore): Promise<number> {
  return writeCollectedSnapshot(file, collectSnapshot(store));
}

export async function writeCollectedSnapshot(file: string, collected: CollectedSnapshot): Promise<number> {
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    for (const piece of collected.chunks) await handle.write(piece);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, file);
  await syncDirectory(path.dirname(file));
  return collected.count;
}

/**
 * Removes the temporary files (`<snapshot>.<pid>.tmp`) of writes cut short by a kill: they are
 * never read, and each would otherwise stay for good. Called at start, before any write.
 */
export function removeStaleTemporaries(file: string, warn: Warn): number {
  const pattern = new RegExp(`^${escapeRegExp(path.basename(file))}\\.\\d+\\.tmp$`);
  let names: string[];
  try {
    names = readdirSync(path.dirname(file));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names.filter((n) => pattern.test(n))) {
    try {
      rmSync(path.join(path.dirname(file), name), { force: true });
      removed++;
    } catch (error) {
      warn(`stale snapshot temporary ${name} not removed: ${(error as Error).message}`);
    }
  }
  return removed;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Loads a snapshot into the store. A missing file starts empty; a truncated or corrupt one starts
 * empty with a warning — never a crash, never half a snapshot.
 */
export function loadSnapshot(file: string, store: MemoryTicketStore, warn: Warn): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      warn(`ticket snapshot ${file} unreadable, starting empty: ${(error as Error).message}`);
    return 0;
  }
  const entries = parseSnapshot(text);
  if (typeof entries === 'string') {
    warn(`ticket snapshot ${file} ${entries}, starting empty`);
    return 0;
  }
  const { restored, impossible } = store.restoreCounting(entries);
  if (impossible > 0)
    warn(`ticket snapshot ${file}: dropped ${impossible} entries with an impossible expiry`);
  return restored;
}

/** An entry as read: its expiry is checked by the store (an impossible one drops the entry alone). */
type ReadEntry = [ticket: string, userKey: string, expiresAt: unknown];

function parseSnapshot(text: string): ReadEntry[] | string {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const header = parseJson(lines[0] ?? '') as { format?: unknown; version?: unknown } | undefined;
  if (header?.format !== FORMAT || header.version !== VERSION) return 'is not a ticket snapshot';
  // The trailer is written last: without it (or with another count) the write was cut short.
  const trailer =
    lines.length > 1 ? (parseJson(lines.at(-1) as string) as { count?: unknown } | undefined) : undefined;
  const body = lines.slice(1, -1);
  if (trailer?.count !== body.length) return 'is truncated';
  const entries: ReadEntry[] = [];
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

function isEntry(value: unknown): value is ReadEntry {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === 'string' &&
    value[0].length <= 64 &&
    typeof value[1] === 'string'
  );
}
