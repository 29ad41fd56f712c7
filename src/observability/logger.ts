import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Bytes of log lines gathered before a write; stays below sonic-boom's maxWrite (16 KB). Each
 * write(2) costs the main thread ~20 µs under load on the development VM: at ~60 lines a write,
 * a third of what 4 KB chunks cost per request.
 */
const LOG_BUFFER_BYTES = 12 * 1024;
/** The longest a line waits in that buffer. */
const LOG_FLUSH_MS = 100;
/**
 * Chunks are encoded into slabs of this size: room is kept for the most a chunk could take (3
 * bytes a character), but only what it took is used, so one allocation serves about 20 chunks.
 */
const SLAB_BYTES = 256 * 1024;

/**
 * Structured JSON logs (pino), one line per event on stdout. Tickets and passwords are never
 * logged: at most a ticket's short hash (admin/ticketHash.ts).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  // Buffered writes: lines are gathered and written 12 KB at a time with one write(2) (and at
  // least every 100 ms, so a quiet server's lines are not held), instead of a write handed to the
  // thread pool per line (~11 µs of the main thread per request under load, in the profile). A
  // write blocks only when whoever reads stdout has left less than 12 KB of its pipe (64 KB on
  // Linux) free. Whoever exits the process flushes first (see cli.ts); pino flushes on a normal
  // exit too.
  return pino(
    {
      level,
      base: { service: 'asmx-emulator' },
      // Belt and braces: should a caller ever pass these, they are blanked.
      redact: {
        paths: ['ticket', 'password', 'PWD', 'TrustedUserPwd', 'AuthenticationTicket', 'OldTicket'],
        censor: '[redacted]',
      },
    },
    destination ??
      new LineBatcher(
        // In buffer mode sonic-boom's write takes Buffers (its types know strings only).
        pino.destination({
          dest: 1,
          sync: true,
          minLength: LOG_BUFFER_BYTES,
          contentMode: 'buffer',
        }) as unknown as LineSink,
        LOG_BUFFER_BYTES,
        LOG_FLUSH_MS,
      ),
  );
}

/** What {@link LineBatcher} needs of sonic-boom (pino.destination, in its buffer mode). */
interface LineSink {
  write(chunk: Buffer): boolean;
  flush(cb?: (error?: Error) => void): void;
  flushSync(): void;
}

/**
 * Gathers log lines into chunks of about `minLength` bytes and hands each chunk to sonic-boom at
 * once. sonic-boom buffers lines itself, but measures the whole buffered string again at every
 * line (`Buffer.byteLength` of up to a whole chunk per request, in the profile ~1.3 µs of every request);
 * here a line counts its characters (its bytes for the ASCII lines pino writes; a non-ASCII
 * line only makes a chunk larger, still far below sonic-boom's 16 KB maxWrite). A chunk is
 * encoded once, here, into a slab shared by many chunks: given a string, sonic-boom measures it,
 * has it encoded to write it, and encodes it again to see what was written, and a buffer of its
 * own per chunk is an allocation each (in the profile ~0.6 µs of every request). sonic-boom still
 * does the writing (EAGAIN retries, EPIPE).
 */
class LineBatcher implements DestinationStream {
  private pending = '';
  private pendingLength = 0;
  private slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  private slabUsed = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly minLength: number,
    flushMs: number,
  ) {
    // A quiet server's lines are not held longer than this.
    setInterval(() => {
      if (this.pending !== '') this.flush();
    }, flushMs).unref();
  }

  write(line: string): boolean {
    this.pending += line;
    this.pendingLength += line.length;
    if (this.pendingLength >= this.minLength) this.release();
    return true;
  }

  flush(cb?: (error?: Error) => void): void {
    this.release();
    this.sink.flush(cb);
  }

  flushSync(): void {
    this.release();
    this.sink.flushSync();
  }

  /** Hands what is gathered to sonic-boom, which writes it (a full chunk at once). */
  private release(): void {
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    this.pendingLength = 0;
    this.sink.write(this.encode(chunk));
  }

  /**
   * The chunk in UTF-8, in a part of the slab no chunk had before: sonic-boom may hold a chunk
   * after write returns (a short one until a flush), so no byte handed over is written again.
   */
  private encode(chunk: string): Buffer {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const most = chunk.length * 3;
    if (most > SLAB_BYTES) return Buffer.from(chunk);
    if (this.slabUsed + most > SLAB_BYTES) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.slabUsed = 0;
    }
    const start = this.slabUsed;
    this.slabUsed += this.slab.write(chunk, start);
    return this.slab.subarray(start, this.slabUsed);
  }
}

/** Writes out what an asynchronous logger still holds. */
export function flushLogs(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
