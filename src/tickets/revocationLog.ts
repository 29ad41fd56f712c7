import { readdirSync, readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Warn } from './snapshot';
import { StoreUnavailableError } from './TicketStore';

/**
 * The memory store's revocation log: every LogOut since the last snapshot, one JSON string (the
 * ticket) per line, in segments beside the snapshot (`<snapshot>.revoked.<n>`). A LogOut is
 * acknowledged only once the write that holds it has been fsynced (group commit: revocations
 * arriving while one write+fsync is under way go out together in the next), so a crash can lose
 * no acknowledged LogOut. At start the segments are replayed over the loaded snapshot; each
 * snapshot rotates to a new segment at the instant it takes its view and, once durable, deletes
 * the segments before it (their tickets are already missing from it).
 */

/** What the log needs of a file opened for appending; the seam tests use to fail a write. */
export interface LogFile {
  write(data: Buffer): Promise<void>;
  datasync(): Promise<void>;
  close(): Promise<void>;
}

export interface LogIo {
  /** Opens (creating) a file for appending. */
  open(file: string): Promise<LogFile>;
  /** Makes a directory's entries durable (a new file's name, a rename). */
  syncDirectory(directory: string): Promise<void>;
}

export const fileSystemIo: LogIo = {
  async open(file) {
    const handle = await open(file, 'a', 0o600);
    return {
      async write(data) {
        for (let offset = 0; offset < data.length;) {
          offset += (await handle.write(data, offset, data.length - offset)).bytesWritten;
        }
      },
      datasync: () => handle.datasync(),
      close: () => handle.close(),
    };
  },
  syncDirectory,
};

/** fsync of a directory, so a file created or renamed in it survives a power loss. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function segmentFile(snapshotFile: string, segment: number): string {
  return `${snapshotFile}.revoked.${segment}`;
}

/** The segment numbers present beside the snapshot, ascending. */
export function listSegments(snapshotFile: string): number[] {
  const prefix = `${path.basename(snapshotFile)}.revoked.`;
  let names: string[];
  try {
    names = readdirSync(path.dirname(snapshotFile));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && /^\d{1,15}$/.test(name.slice(prefix.length)))
    .map((name) => Number(name.slice(prefix.length)))
    .sort((a, b) => a - b);
}

export interface Revocations {
  readonly tickets: string[];
  readonly segments: number[];
  /** Set when a segment could not be read: its LogOuts are unknown. */
  readonly unreadableSegment?: string;
}

/**
 * Reads every segment. A line that is not a JSON string is skipped: only the last record of a
 * write cut short by a crash (never acknowledged) can look like that.
 */
export function readRevocations(snapshotFile: string, warn: Warn): Revocations {
  const segments = listSegments(snapshotFile);
  const tickets: string[] = [];
  let unreadable = 0;
  for (const segment of segments) {
    const file = segmentFile(snapshotFile, segment);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      return { tickets, segments, unreadableSegment: `${file}: ${(error as Error).message}` };
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const ticket = parseTicket(line);
      if (ticket === undefined) unreadable++;
      else tickets.push(ticket);
    }
  }
  if (unreadable > 0)
    warn(
      `revocation log beside ${snapshotFile}: skipped ${unreadable} unreadable record(s) (a write cut short)`,
    );
  return { tickets, segments };
}

function parseTicket(line: string): string | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

interface Batch {
  text: string;
  readonly done: Promise<void>;
  settle(error?: Error): void;
}

function newBatch(): Batch {
  let settle!: (error?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  return { text: '', done, settle };
}

export interface RevocationLogOptions {
  /** Segments found at start (already replayed): deleted after the next durable snapshot. */
  readonly existing?: readonly number[];
  readonly io?: LogIo;
}

export class RevocationLog {
  private readonly io: LogIo;
  private readonly directory: string;
  /** Segments that may exist on disk and have not been deleted yet. */
  private readonly onDisk: Set<number>;
  /** The segment the next write goes to. */
  private segment: number;
  private file: LogFile | undefined;
  private fileSegment = 0;
  /** Records waiting for the next write. */
  private pending: Batch | undefined;
  /** The write loop, while it runs. */
  private flushing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly snapshotFile: string,
    options: RevocationLogOptions = {},
  ) {
    this.io = options.io ?? fileSystemIo;
    this.directory = path.dirname(snapshotFile);
    this.onDisk = new Set(options.existing ?? []);
    this.segment = Math.max(0, ...this.onDisk) + 1;
  }

  /** Resolves once the ticket's record is on disk (fsynced); rejects with StoreUnavailableError if not. */
  append(ticket: string): Promise<void> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('revocation log closed'));
    const batch = (this.pending ??= newBatch());
    batch.text += `${JSON.stringify(ticket)}\n`;
    this.flushing ??= this.flush();
    return batch.done;
  }

  /**
   * Seals the current segment: writes that start from now on go to a new one. Called at the
   * instant a snapshot takes its view; returns the last sealed segment, to pass to
   * {@link dropThrough} once that snapshot is durable.
   */
  rotate(): number {
    return this.segment++;
  }

  /** Deletes the segments up to `sealed`: a durable snapshot taken after them covers them. */
  async dropThrough(sealed: number): Promise<void> {
    if (this.file && this.fileSegment <= sealed && !this.flushing) {
      const file = this.file;
      this.file = undefined;
      await file.close().catch(() => undefined);
    }
    const failures: string[] = [];
    for (const segment of [...this.onDisk].filter((n) => n <= sealed)) {
      try {
        await rm(segmentFile(this.snapshotFile, segment), { force: true });
        this.onDisk.delete(segment);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    if (failures.length > 0) throw new Error(failures.join('; '));
  }

  /** Waits for the writes under way, then closes the file; later appends are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
    const file = this.file;
    this.file = undefined;
    await file?.close();
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending) {
        const batch = this.pending;
        this.pending = undefined;
        try {
          await this.write(batch.text);
          batch.settle();
        } catch (error) {
          batch.settle(
            new StoreUnavailableError(`revocation log not written: ${(error as Error).message}`, {
              cause: error,
            }),
          );
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async write(text: string): Promise<void> {
    try {
      if (!this.file || this.fileSegment !== this.segment) {
        const previous = this.file;
        this.file = undefined;
        await previous?.close().catch(() => undefined);
        const segment = this.segment;
        this.file = await this.io.open(segmentFile(this.snapshotFile, segment));
        this.fileSegment = segment;
        // Tracked once it exists, so the snapshot that covers it deletes it.
        this.onDisk.add(segment);
        // The new file's name must be durable before any record in it counts as written.
        await this.io.syncDirectory(this.directory);
      }
      await this.file.write(Buffer.from(text, 'utf8'));
      await this.file.datasync();
    } catch (error) {
      // After a failed write or fsync the file's tail (and, on Linux, which dirty pages were
      // dropped) is in doubt: the next write starts a new segment. This one stays until a
      // snapshot covers it; its cut-short record is skipped on replay.
      const file = this.file;
      this.file = undefined;
      await file?.close().catch(() => undefined);
      this.segment++;
      throw error;
    }
  }
}
