import type { Clock } from '../clock';

/**
 * The emulator's clock: a base clock (real time, or a test's ManualClock) plus an offset the admin
 * API moves. Every expiry, `expireOn` and sliding window reads it, so moving it moves them all.
 */
export class SteerableClock implements Clock {
  private offset = 0;

  constructor(private readonly base: Clock) {}

  now(): number {
    return this.base.now() + this.offset;
  }

  /** How far the emulator's time is from the base clock, in ms (0: real time). */
  offsetMs(): number {
    return this.offset;
  }

  /** Sets the offset (the admin API, or an offset shared through Redis). */
  setOffset(offsetMs: number): void {
    this.offset = offsetMs;
  }

  /** The offset that makes now() tell `epochMs`. */
  offsetFor(epochMs: number): number {
    return epochMs - this.base.now();
  }
}
