/** An ISO-8601 duration (`P30DT1H`, `PT90M`, `P1Y2M`, `P2W`, `-P1D`), by component. */
export interface IsoDuration {
  readonly sign: 1 | -1;
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

const PATTERN =
  /^([+-])?P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d{1,3})?)S)?)?$/;

/** Parses an ISO-8601 duration; undefined when the text is not one. Fractions only on seconds. */
export function parseIsoDuration(text: string): IsoDuration | undefined {
  const match = PATTERN.exec(text.trim().toUpperCase());
  if (!match) return undefined;
  const n = (i: number) => (match[i] ? Number(match[i]!.replace(',', '.')) : 0);
  return {
    sign: match[1] === '-' ? -1 : 1,
    years: n(2),
    months: n(3),
    weeks: n(4),
    days: n(5),
    hours: n(6),
    minutes: n(7),
    seconds: n(8),
  };
}

/**
 * The instant a duration after (or, negative, before) `epochMs`: years and months move the UTC
 * calendar (`P1M` from 31 January is 3 March, as Date does), the rest is exact time.
 */
export function addIsoDuration(epochMs: number, duration: IsoDuration): number {
  const date = new Date(epochMs);
  if (duration.years || duration.months) {
    date.setUTCMonth(date.getUTCMonth() + duration.sign * (duration.years * 12 + duration.months));
  }
  const exact =
    ((duration.weeks * 7 + duration.days) * 86_400 + duration.hours * 3600 + duration.minutes * 60) * 1000 +
    Math.round(duration.seconds * 1000);
  return date.getTime() + duration.sign * exact;
}
