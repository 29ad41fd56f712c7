/**
 * XmlConvert.ToDateTime(s, XmlDateTimeSerializationMode.RoundtripKind) and
 * XmlConvert.ToString(DateTime, RoundtripKind): how XmlSerializer reads and writes xs:dateTime.
 * A port of System.Xml.Schema.XsdDateTime (its Parser with XsdDateTimeFlags.AllXsd, and the
 * conversion to DateTime).
 */
import { isDotNetWhiteSpace } from './dotnetChars';
import { DotNetException, DotNetMessages, DotNetTypes } from './dotnetException';
import {
  daysInMonth,
  partsFromTicks,
  ticksFromParts,
  TICKS_PER_DAY,
  TICKS_PER_MINUTE,
} from './dateTimeTicks';
import {
  formatOffset,
  nowLocalTicks,
  offsetTicksAtLocal,
  utcToLocalTicks,
  type ServerTime,
} from './serverTimeZone';
import { DotNetDateTime, MAX_TICKS, type DateTimeKind } from './values';

type TypeCode = 'DateTime' | 'Time' | 'Date' | 'GYearMonth' | 'GYear' | 'GMonthDay' | 'GDay' | 'GMonth';
type ZoneKind = 'Unspecified' | 'Zulu' | 'LocalWestOfZulu' | 'LocalEastOfZulu';

interface Parsed {
  typeCode: TypeCode;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Ticks within the second, 0 … 10 000 000 (the last only after rounding an 8th digit up). */
  fraction: number;
  kind: ZoneKind;
  zoneHour: number;
  zoneMinute: number;
}

/** The year XsdDateTime gives the partial types without a year (gMonthDay, time…). */
const LEAP_YEAR = 1904;

/** XsdDateTime.Parser.Parse(text, AllXsd); undefined when the text is none of the eight forms. */
function parseAllXsd(text: string): Parsed | undefined {
  const length = text.length;
  const code = (i: number): number => text.charCodeAt(i);
  const r: Parsed = {
    typeCode: 'DateTime',
    year: 0,
    month: 0,
    day: 0,
    hour: 0,
    minute: 0,
    second: 0,
    fraction: 0,
    kind: 'Unspecified',
    zoneHour: 0,
    zoneMinute: 0,
  };
  const digit = (i: number): number => {
    const d = code(i) - 0x30;
    return d >= 0 && d < 10 ? d : -1;
  };
  const parse2 = (start: number): number | undefined => {
    if (start + 1 >= length) return undefined;
    const a = digit(start);
    const b = digit(start + 1);
    return a < 0 || b < 0 ? undefined : a * 10 + b;
  };
  const parse4 = (start: number): number | undefined => {
    if (start + 3 >= length) return undefined;
    const high = parse2(start);
    const low = parse2(start + 2);
    return high === undefined || low === undefined ? undefined : high * 100 + low;
  };
  const isChar = (start: number, ch: string): boolean => start < length && text[start] === ch;
  const zoneAndWhitespace = (start: number): boolean => {
    if (start < length) {
      const ch = text[start];
      if (ch === 'Z' || ch === 'z') {
        r.kind = 'Zulu';
        start++;
      } else if (start + 5 < length) {
        // Zone hours and minutes up to 99 are accepted (`+99:99`).
        const hours = parse2(start + 1);
        const minutes = parse2(start + 4);
        if (hours !== undefined && isChar(start + 3, ':') && minutes !== undefined) {
          if (ch === '-' || ch === '+') {
            r.zoneHour = hours;
            r.zoneMinute = minutes;
            r.kind = ch === '-' ? 'LocalWestOfZulu' : 'LocalEastOfZulu';
            start += 6;
          }
        }
      }
    }
    while (start < length && isDotNetWhiteSpace(code(start))) start++;
    return start === length;
  };
  const time = (start: number): number | undefined => {
    const hour = parse2(start);
    const minute = parse2(start + 3);
    const second = parse2(start + 6);
    if (
      hour === undefined ||
      hour >= 24 ||
      !isChar(start + 2, ':') ||
      minute === undefined ||
      minute >= 60 ||
      !isChar(start + 5, ':') ||
      second === undefined ||
      second >= 60
    ) {
      return undefined;
    }
    r.hour = hour;
    r.minute = minute;
    r.second = second;
    start += 8;
    if (isChar(start, '.')) {
      // Any number of fraction digits; the first 7 are kept, the 8th rounds half to even.
      let fraction = 0;
      let digits = 0;
      let round = 0;
      while (++start < length) {
        const d = digit(start);
        if (d < 0) break;
        if (digits < 7) fraction = fraction * 10 + d;
        else if (digits === 7) round = d > 5 ? 1 : d === 5 ? -1 : 0;
        else if (round < 0 && d !== 0) round = 1;
        digits++;
      }
      if (digits === 0) return undefined; // cannot end with '.'
      if (digits < 7) fraction *= 10 ** (7 - digits);
      else fraction += round < 0 ? fraction & 1 : round;
      r.fraction = fraction;
    }
    return start;
  };
  const timeZoneAndWhitespace = (start: number): boolean => {
    const end = time(start);
    return end !== undefined && zoneAndWhitespace(end);
  };

  let start = 0;
  while (start < length && isDotNetWhiteSpace(code(start))) start++;

  const year = parse4(start);
  const month = parse2(start + 5);
  const day = parse2(start + 8);
  if (
    year !== undefined &&
    year >= 1 &&
    isChar(start + 4, '-') &&
    month !== undefined &&
    month >= 1 &&
    month <= 12 &&
    isChar(start + 7, '-') &&
    day !== undefined &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  ) {
    r.year = year;
    r.month = month;
    r.day = day;
    if (isChar(start + 10, 'T') && timeZoneAndWhitespace(start + 11)) return { ...r, typeCode: 'DateTime' };
    if (zoneAndWhitespace(start + 10)) return { ...r, typeCode: 'Date' };
  }
  if (timeZoneAndWhitespace(start)) {
    return { ...r, typeCode: 'Time', year: LEAP_YEAR, month: 1, day: 1 };
  }
  // A failed time leaves its fields behind in .NET only for the hour; the g* forms set what they use.
  r.hour = r.minute = r.second = r.fraction = 0;
  if (year !== undefined && year >= 1) {
    if (
      isChar(start + 4, '-') &&
      month !== undefined &&
      month >= 1 &&
      month <= 12 &&
      zoneAndWhitespace(start + 7)
    ) {
      return { ...r, typeCode: 'GYearMonth', year, month, day: 1 };
    }
    if (zoneAndWhitespace(start + 4)) return { ...r, typeCode: 'GYear', year, month: 1, day: 1 };
  }
  const gMonth = parse2(start + 2);
  if (isChar(start, '-') && isChar(start + 1, '-') && gMonth !== undefined && gMonth >= 1 && gMonth <= 12) {
    if (isChar(start + 4, '-')) {
      const gDay = parse2(start + 5);
      if (
        gDay !== undefined &&
        gDay >= 1 &&
        gDay <= daysInMonth(LEAP_YEAR, gMonth) &&
        zoneAndWhitespace(start + 7)
      ) {
        return { ...r, typeCode: 'GMonthDay', year: LEAP_YEAR, month: gMonth, day: gDay };
      }
    }
    if (
      zoneAndWhitespace(start + 4) ||
      (isChar(start + 4, '-') && isChar(start + 5, '-') && zoneAndWhitespace(start + 6))
    ) {
      return { ...r, typeCode: 'GMonth', year: LEAP_YEAR, month: gMonth, day: 1 };
    }
  }
  const gDay = parse2(start + 3);
  if (
    isChar(start, '-') &&
    isChar(start + 1, '-') &&
    isChar(start + 2, '-') &&
    gDay !== undefined &&
    gDay >= 1 &&
    gDay <= 31 &&
    zoneAndWhitespace(start + 5)
  ) {
    return { ...r, typeCode: 'GDay', year: LEAP_YEAR, month: 1, day: gDay };
  }
  return undefined;
}

/**
 * The form nearly every client sends, read without the general parser: `yyyy-MM-ddTHH:mm:ss`,
 * then `.` and 1 to 7 fraction digits or not, then `Z` (Utc) or nothing (Unspecified), with no
 * white space. The same DateTime {@link parseXsdDateTime} gives for that text (its DateTime form,
 * no zone conversion, no rounding: the value always fits), carrying `sent`; undefined for any
 * other text, which that parser reads.
 */
export function parsePlainXsdDateTime(text: string, sent: string | undefined): DotNetDateTime | undefined {
  const length = text.length;
  if (length < 19) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (
    text.charCodeAt(4) !== 0x2d ||
    text.charCodeAt(7) !== 0x2d ||
    text.charCodeAt(10) !== 0x54 ||
    text.charCodeAt(13) !== 0x3a ||
    text.charCodeAt(16) !== 0x3a ||
    !(year >= 1 && month >= 1 && month <= 12 && day >= 1) ||
    !(hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60) ||
    day > daysInMonth(year, month)
  ) {
    return undefined;
  }
  let at = 19;
  let fraction = 0;
  if (text.charCodeAt(at) === 0x2e) {
    const digits = Math.min(length - at - 1, 7);
    let end = at + 1;
    while (end < at + 1 + digits && isDigit(text.charCodeAt(end))) end++;
    const count = end - at - 1;
    // Eight digits or more round: left to the parser, as is a `.` without digits.
    if (count === 0 || isDigit(text.charCodeAt(end))) return undefined;
    fraction = digitsAt(text, at + 1, count) * 10 ** (7 - count);
    at = end;
  }
  let kind: DateTimeKind;
  if (at === length) kind = 'Unspecified';
  else if (at === length - 1 && text.charCodeAt(at) === 0x5a) kind = 'Utc';
  else return undefined;
  const ticks = ticksFromParts(year, month, day, hour, minute, second) + BigInt(fraction);
  return new DotNetDateTime(ticks, kind, sent);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** The number written in `count` ASCII digits at `at`, -1 when they are not all digits. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * XmlConvert.ToDateTime(text, RoundtripKind): `…Z` is Utc; `±hh:mm` is converted to the server's
 * local time (kind Local); no zone is Unspecified; a date alone is its midnight; up to 7 fraction
 * digits are kept exactly. Also the other XSD date/time forms: a time alone is today (server
 * local) at that time, `--MM` and `---DD` are in the current year, `yyyy`, `yyyy-MM`, `--MM-DD` in
 * the year given or 1904.
 */
export function parseXsdDateTime(text: string, time: ServerTime): DotNetDateTime {
  const plain = parsePlainXsdDateTime(text, undefined);
  if (plain !== undefined) return plain;
  const parsed = parseAllXsd(text);
  if (!parsed) throw new DotNetException(DotNetTypes.format, DotNetMessages.xmlBadFormat(text, 'AllXsd'));
  let ticks = ticksFromParts(
    parsed.year,
    parsed.month,
    parsed.day,
    parsed.hour,
    parsed.minute,
    parsed.second,
  );
  ticks += BigInt(parsed.fraction);
  if (ticks > MAX_TICKS) {
    // DateTime.AddTicks of a fraction rounded up past 9999-12-31T23:59:59.9999999.
    throw new DotNetException(DotNetTypes.argumentOutOfRange, DotNetMessages.dateArithmetic);
  }
  if (parsed.typeCode === 'GMonth' || parsed.typeCode === 'GDay') {
    // The year is DateTime.Now's; the time of day is dropped.
    const year = partsFromTicks(nowLocalTicks(time)).year;
    ticks = ticksFromParts(year, parsed.month, parsed.day);
  } else if (parsed.typeCode === 'Time') {
    const today = nowLocalTicks(time) / TICKS_PER_DAY;
    ticks += (today - ticksFromParts(LEAP_YEAR, 1, 1) / TICKS_PER_DAY) * TICKS_PER_DAY;
  }
  const zone = BigInt(parsed.zoneHour * 60 + parsed.zoneMinute) * TICKS_PER_MINUTE;
  switch (parsed.kind) {
    case 'Zulu':
      return new DotNetDateTime(ticks, 'Utc');
    case 'LocalEastOfZulu': {
      const utc = ticks - zone;
      if (utc < 0n) {
        // Underflow: XsdDateTime keeps the local time, shifted by the server's offset, and clamps.
        const local = utc + offsetTicksAtLocal(time.zone, ticks);
        return new DotNetDateTime(local < 0n ? 0n : local, 'Local');
      }
      return new DotNetDateTime(utcToLocalTicks(time.zone, utc), 'Local');
    }
    case 'LocalWestOfZulu': {
      const utc = ticks + zone;
      if (utc > MAX_TICKS) {
        const local = utc + offsetTicksAtLocal(time.zone, ticks);
        return new DotNetDateTime(local > MAX_TICKS ? MAX_TICKS : local, 'Local');
      }
      return new DotNetDateTime(utcToLocalTicks(time.zone, utc), 'Local');
    }
    default:
      return new DotNetDateTime(ticks, 'Unspecified');
  }
}

/**
 * XmlConvert.ToString(DateTime, RoundtripKind): `yyyy-MM-ddTHH:mm:ss`, then `.` and up to 7
 * fraction digits without trailing zeros when the fraction is not zero, then `Z` (Utc), the
 * server's offset at that local time `+HH:MM` (Local) or nothing (Unspecified).
 */
export function formatXsdDateTime(ticks: bigint, kind: DateTimeKind, time: ServerTime): string {
  const p = partsFromTicks(ticks);
  const two = (n: number): string => String(n).padStart(2, '0');
  let text = `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
  if (p.fraction !== 0) text += `.${String(p.fraction).padStart(7, '0').replace(/0+$/, '')}`;
  if (kind === 'Utc') return `${text}Z`;
  if (kind === 'Local') return text + formatOffset(offsetTicksAtLocal(time.zone, ticks));
  return text;
}
