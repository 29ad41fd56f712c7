/**
 * Gregorian calendar arithmetic on .NET ticks (100 ns since 0001-01-01T00:00:00), as
 * System.DateTime does it: no time zones here, only wall-clock fields.
 */
import { MAX_TICKS } from './values';

export const TICKS_PER_SECOND = 10_000_000n;
export const TICKS_PER_MINUTE = 60n * TICKS_PER_SECOND;
export const TICKS_PER_HOUR = 60n * TICKS_PER_MINUTE;
export const TICKS_PER_DAY = 24n * TICKS_PER_HOUR;

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const DAYS_BEFORE_MONTH_LEAP = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  const table = isLeapYear(year) ? DAYS_BEFORE_MONTH_LEAP : DAYS_BEFORE_MONTH;
  return (table[month] as number) - (table[month - 1] as number);
}

/** Whether year/month/day is a date DateTime can hold (years 1–9999). */
export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  );
}

/** The ticks of a valid date and time of day (no range checks beyond the caller's). */
export function ticksFromParts(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): bigint {
  const table = isLeapYear(year) ? DAYS_BEFORE_MONTH_LEAP : DAYS_BEFORE_MONTH;
  const y = year - 1;
  const days =
    y * 365 +
    Math.floor(y / 4) -
    Math.floor(y / 100) +
    Math.floor(y / 400) +
    (table[month - 1] as number) +
    day -
    1;
  return BigInt(days) * TICKS_PER_DAY + BigInt(hour * 3600 + minute * 60 + second) * TICKS_PER_SECOND;
}

export interface DateTimeParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0–9 999 999: the ticks within the second. */
  readonly fraction: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly dayOfWeek: number;
}

/** DateTime.GetDatePart and the time fields of a tick count in [0, MaxValue.Ticks]. */
export function partsFromTicks(ticks: bigint): DateTimeParts {
  let n = Number(ticks / TICKS_PER_DAY);
  const dayOfWeek = (n + 1) % 7; // 0001-01-01 was a Monday
  const timeOfDay = ticks % TICKS_PER_DAY;
  const y400 = Math.floor(n / 146097);
  n -= y400 * 146097;
  let y100 = Math.floor(n / 36524);
  if (y100 === 4) y100 = 3;
  n -= y100 * 36524;
  const y4 = Math.floor(n / 1461);
  n -= y4 * 1461;
  let y1 = Math.floor(n / 365);
  if (y1 === 4) y1 = 3;
  n -= y1 * 365;
  const year = y400 * 400 + y100 * 100 + y4 * 4 + y1 + 1;
  const table = isLeapYear(year) ? DAYS_BEFORE_MONTH_LEAP : DAYS_BEFORE_MONTH;
  let month = 1;
  while (n >= (table[month] as number)) month++;
  const day = n - (table[month - 1] as number) + 1;
  const seconds = Number(timeOfDay / TICKS_PER_SECOND);
  return {
    year,
    month,
    day,
    hour: Math.floor(seconds / 3600),
    minute: Math.floor(seconds / 60) % 60,
    second: seconds % 60,
    fraction: Number(timeOfDay % TICKS_PER_SECOND),
    dayOfWeek,
  };
}

/** Whether a tick count is a DateTime (0 … 9999-12-31T23:59:59.9999999). */
export function isValidTicks(ticks: bigint): boolean {
  return ticks >= 0n && ticks <= MAX_TICKS;
}
