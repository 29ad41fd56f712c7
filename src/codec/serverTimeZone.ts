/**
 * The emulated server's local time: its time zone (what .NET's TimeZoneInfo.Local gives) and its
 * clock (DateTime.Now, for the few parses that fill in today's date). By default the zone is the
 * process's own (the TZ environment variable, through JavaScript Date offsets) and the clock is
 * Date.now(); tests and embedders inject their own.
 */
import { MAX_TICKS, TICKS_PER_MS, UNIX_EPOCH_TICKS } from './values';

export interface ServerTimeZone {
  /** The offset of local time from UTC at the UTC instant `utcMs` (epoch ms), in ms, east positive. */
  offsetAt(utcMs: number): number;
}

/** What the value conversions need to know about the server's time. */
export interface ServerTime {
  readonly zone: ServerTimeZone;
  /** Epoch milliseconds now. */
  readonly now: () => number;
}

/** The process's time zone, as JavaScript sees it (whole minutes, like Windows time zones). */
export const processTimeZone: ServerTimeZone = {
  offsetAt: (utcMs) => -Math.round(new Date(utcMs).getTimezoneOffset()) * 60_000 || 0,
};

/** A zone that is always `minutes` ahead of UTC (negative: behind). */
export function fixedTimeZone(minutes: number): ServerTimeZone {
  const offset = minutes * 60_000;
  return { offsetAt: () => offset };
}

export const processServerTime: ServerTime = { zone: processTimeZone, now: () => Date.now() };

const HOUR_MS = 3_600_000;

function ticksToMs(ticks: bigint): number {
  return Number((ticks - UNIX_EPOCH_TICKS) / TICKS_PER_MS);
}

function clampTicks(ticks: bigint): bigint {
  return ticks < 0n ? 0n : ticks > MAX_TICKS ? MAX_TICKS : ticks;
}

/** TimeZoneInfo.Local's offset, in ticks, at a UTC DateTime (GetUtcOffsetFromUtc). */
export function offsetTicksAtUtc(zone: ServerTimeZone, utcTicks: bigint): bigint {
  return BigInt(zone.offsetAt(ticksToMs(utcTicks))) * TICKS_PER_MS;
}

/**
 * TimeZoneInfo.Local.GetUtcOffset of a local (or unspecified) wall-clock time, in ticks. A time
 * that occurs twice (the hour repeated when clocks go back) or not at all (the hour skipped when
 * they go forward) gets the zone's standard offset, as .NET documents; standard is taken to be the
 * smaller of the two offsets around the transition.
 */
export function offsetTicksAtLocal(zone: ServerTimeZone, localTicks: bigint): bigint {
  const local = ticksToMs(localTicks);
  // A wall-clock time is at most 14 h ahead of or 12 h behind UTC: the offsets just outside that
  // window are the ones in force before and after any transition the local time could fall into.
  const before = zone.offsetAt(local - 15 * HOUR_MS);
  const after = zone.offsetAt(local + 13 * HOUR_MS);
  const direct = zone.offsetAt(local - zone.offsetAt(local));
  const valid = [...new Set([before, after, direct])].filter(
    (offset) => zone.offsetAt(local - offset) === offset,
  );
  const chosen =
    valid.length === 1 ? (valid[0] as number) : Math.min(...(valid.length > 1 ? valid : [before, after]));
  return BigInt(chosen) * TICKS_PER_MS;
}

/** DateTime.ToLocalTime() of a UTC DateTime: clamped to DateTime's range, as .NET does. */
export function utcToLocalTicks(zone: ServerTimeZone, utcTicks: bigint): bigint {
  return clampTicks(utcTicks + offsetTicksAtUtc(zone, utcTicks));
}

/** DateTime.Now's ticks (local wall-clock time). */
export function nowLocalTicks(time: ServerTime): bigint {
  const utcTicks = UNIX_EPOCH_TICKS + BigInt(Math.trunc(time.now())) * TICKS_PER_MS;
  return utcToLocalTicks(time.zone, utcTicks);
}

/** `+HH:MM` / `-HH:MM` of an offset in ticks, as XsdDateTime prints a Local DateTime's zone. */
export function formatOffset(offsetTicks: bigint): string {
  const negative = offsetTicks < 0n;
  // TimeSpan.Hours / .Minutes truncate toward zero; seconds of an offset are not printed.
  const totalMinutes = Number((negative ? -offsetTicks : offsetTicks) / (60n * 10_000_000n));
  const hours = String(Math.floor(totalMinutes / 60) % 100).padStart(2, '0');
  const minutes = String(totalMinutes % 60).padStart(2, '0');
  return `${negative ? '-' : '+'}${hours}:${minutes}`;
}
