/** Wall-clock time in epoch milliseconds. Injected everywhere time matters so tests can travel. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests and tools. */
export class ManualClock implements Clock {
  constructor(private current: number = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(epochMs: number): void {
    this.current = epochMs;
  }
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * TICKET_TTL_DAYS in whole milliseconds: lru-cache and Redis's PX take integers, and a fractional
 * day count (0.3333) must work on both stores.
 */
export function ticketTtlMs(days: number): number {
  return Math.max(1, Math.round(days * DAY_MS));
}
