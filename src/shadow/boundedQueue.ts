/**
 * Jobs run in the background by a few workers, at most `capacity` waiting: a job offered to a
 * full queue is refused at once (the caller counts it), so the producer never waits.
 */
export class BoundedQueue<T> {
  private readonly waiting: T[] = [];
  private running = 0;
  private closed = false;

  constructor(
    private readonly capacity: number,
    private readonly workers: number,
    private readonly run: (job: T) => Promise<void>,
  ) {}

  /** False when the queue is full (or closed): the job is dropped. */
  offer(job: T): boolean {
    if (this.closed || this.waiting.length >= this.capacity) return false;
    this.waiting.push(job);
    this.next();
    return true;
  }

  /** Jobs waiting plus jobs under way. */
  get size(): number {
    return this.waiting.length + this.running;
  }

  /** Accepts no more jobs and forgets the waiting ones; the ones under way finish on their own. */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
  }

  private next(): void {
    while (this.running < this.workers && this.waiting.length > 0) {
      const job = this.waiting.shift() as T;
      this.running++;
      this.run(job)
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.next();
        });
    }
  }
}
