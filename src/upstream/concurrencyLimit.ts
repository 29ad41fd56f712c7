/**
 * A bound on calls under way at once: `run` waits for a free slot (in arrival order) and gives up
 * with `onTimeout()` when none frees up before the deadline.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async run<T>(deadlineMs: number, onTimeout: () => Error, work: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await this.slot(deadlineMs, onTimeout);
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Waits until a finishing call hands its slot over (`active` stays the same then). */
  private slot(deadlineMs: number, onTimeout: () => Error): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(
        () => {
          const at = this.waiting.indexOf(wake);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(onTimeout());
        },
        Math.max(0, deadlineMs - Date.now()),
      );
      this.waiting.push(wake);
    });
  }
}
