/**
 * DateTime.Parse(text, CultureInfo.InvariantCulture) — what ASMX's HTTP GET/POST reader uses for a
 * DateTime parameter (Convert.ChangeType). .NET's DateTimeParse is a large table-driven lexer;
 * this is a subset of it, checked form by form against the same parser (Mono's copy): the forms
 * clients send give .NET's results, and everything else fails with .NET's messages.
 *
 * Accepted (invariant culture: month/day/year order, `/` `-` `.` or spaces between date parts):
 * - ISO 8601 `yyyy-MM-ddThh:mm[:ss[.f…]][Z|±hh[:mm]]` (also with `/`; hours and minutes of two digits)
 * - `M/d/yyyy`, `M/d/yy` (two-digit years: 00–29 → 20xx, 30–99 → 19xx), `yyyy/M/d`, `yyyy-M-d`
 *   with a time after a space, `M/yyyy`, `yyyy-M`
 * - month names and abbreviations: `Dec 31 2026`, `December 31, 2026`, `31 Dec 2026`, `Dec 2026`
 * - a day name first (`Thu, 31 Dec 2026 10:00:00 GMT`), checked against the date
 * - a time `H:mm[:ss[.f…]]` or `H AM`, with `AM`/`PM`, before or after the date; a time alone is
 *   today and a date without a year is in the current year (server local time)
 * - a zone after the time or the date: `Z`, `GMT`, `±h`, `±hh:mm`, `±hhmm`
 * - .NET's odd readings of incomplete dates: `31 December` is December 1931, `Dec 2026 10 PM` is
 *   the 10th at noon; an incomplete date takes no `h:mm` time (`12/31 10:00` fails)
 *
 * A zone makes the result Local (converted to the server's time zone); without one it is
 * Unspecified. Words are case-insensitive; an unknown word fails with its index.
 */
import { isDotNetLetter, isDotNetWhiteSpace } from './dotnetChars';
import { DotNetException, DotNetMessages, DotNetTypes } from './dotnetException';
import {
  isValidDate,
  partsFromTicks,
  ticksFromParts,
  TICKS_PER_DAY,
  TICKS_PER_MINUTE,
} from './dateTimeTicks';
import { nowLocalTicks, offsetTicksAtLocal, offsetTicksAtUtc, type ServerTime } from './serverTimeZone';
import { DotNetDateTime, MAX_TICKS } from './values';

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

type Word =
  | { readonly kind: 'month'; readonly value: number }
  | { readonly kind: 'dayOfWeek'; readonly value: number }
  | { readonly kind: 'ampm'; readonly pm: boolean }
  | { readonly kind: 'timeMark' }
  | { readonly kind: 'utc' }
  | { readonly kind: 'era' }
  | { readonly kind: 'unknown' };

/** The invariant culture's words that DateTime.Parse knows (matched ignoring case). */
function knownWord(word: string): Word | undefined {
  const lower = word.toLowerCase();
  for (let i = 0; i < 12; i++) {
    const month = MONTHS[i] as string;
    if (lower === month || lower === month.slice(0, 3)) return { kind: 'month', value: i + 1 };
  }
  for (let i = 0; i < 7; i++) {
    const day = DAYS[i] as string;
    if (lower === day || lower === day.slice(0, 3)) return { kind: 'dayOfWeek', value: i };
  }
  if (lower === 'am' || lower === 'pm') return { kind: 'ampm', pm: lower === 'pm' };
  if (lower === 't') return { kind: 'timeMark' };
  if (lower === 'z' || lower === 'gmt') return { kind: 'utc' };
  if (lower === 'ad') return { kind: 'era' };
  return undefined;
}

type Token =
  | { readonly t: 'num'; readonly value: number; readonly text: string; readonly gap: boolean }
  | { readonly t: 'word'; readonly word: Word; readonly gap: boolean; readonly at: number }
  | { readonly t: 'sep'; readonly c: '/' | '-' | ':' | '+' | '.'; readonly gap: boolean };

/** The most digits DateTimeParse accepts in one number (MaxDateTimeNumberDigits). */
const MAX_NUMBER_DIGITS = 8;

function badDateTime(): DotNetException {
  return new DotNetException(DotNetTypes.format, DotNetMessages.badDateTime);
}

function badCalendar(): DotNetException {
  return new DotNetException(DotNetTypes.format, DotNetMessages.badDateTimeCalendar);
}

/** Splits the text into numbers, words and separators; whitespace and `,` only mark gaps. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let gap = false;
  for (let i = 0; i < text.length;) {
    const code = text.charCodeAt(i);
    if (isDotNetWhiteSpace(code) || code === 0x2c) {
      gap = true;
      i++;
    } else if (code >= 0x30 && code <= 0x39) {
      let end = i;
      while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end++;
      const digits = text.slice(i, end);
      tokens.push({ t: 'num', value: digits.length > 15 ? Infinity : Number(digits), text: digits, gap });
      gap = false;
      i = end;
    } else if (isDotNetLetter(code)) {
      if (/^a\.d\./i.test(text.slice(i, i + 4))) {
        tokens.push({ t: 'word', word: { kind: 'era' }, gap, at: i });
        i += 4;
      } else {
        let end = i;
        while (end < text.length && isDotNetLetter(text.charCodeAt(end))) end++;
        let word = knownWord(text.slice(i, end));
        // "T" is only the ISO time mark right after a number (a separator token in .NET's lexer).
        if (word?.kind === 'timeMark' && tokens[tokens.length - 1]?.t !== 'num') word = undefined;
        tokens.push({ t: 'word', word: word ?? { kind: 'unknown' }, gap, at: i });
        i = end;
      }
      gap = false;
    } else if ('/-:+.'.includes(text.charAt(i))) {
      tokens.push({ t: 'sep', c: text.charAt(i) as '/' | '-' | ':' | '+' | '.', gap });
      gap = false;
      i++;
    } else {
      throw badDateTime();
    }
  }
  return tokens;
}

/**
 * Format_UnknownDateTimeWord: .NET's lexer stops at the first word it does not know and reports
 * its index (a run of letters that is not an invariant month or day name, AM/PM, T, Z, GMT or A.D.).
 */
function rejectUnknownWords(tokens: readonly Token[]): void {
  for (const token of tokens) {
    if (token.t === 'word' && token.word.kind === 'unknown') {
      throw new DotNetException(DotNetTypes.format, DotNetMessages.unknownDateTimeWord(token.at));
    }
  }
}

interface DateFields {
  /** Undefined: not written (the current year). */
  year: number | undefined;
  month: number;
  /** Undefined: not written (the 1st). */
  day: number | undefined;
  /** Written as numbers only (`12/31`), not with a month name or a four-digit year first. */
  numeric: boolean;
}

interface TimeFields {
  hour: number;
  minute: number;
  second: number;
  /** Digits after the seconds' `.`, as written. */
  fraction: string;
  pm: boolean | undefined;
  /** Written with `:` (not only `10 PM`). */
  colon: boolean;
}

/** Zone offset in ticks east of UTC. */
type Zone = bigint;

class Cursor {
  constructor(
    readonly tokens: readonly Token[],
    public i = 0,
  ) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }
  atEnd(): boolean {
    return this.i >= this.tokens.length;
  }
  num(maxDigits = 2, minDigits = 1): (Token & { t: 'num' }) | undefined {
    const token = this.peek();
    if (token?.t !== 'num' || token.text.length > maxDigits || token.text.length < minDigits)
      return undefined;
    this.i++;
    return token;
  }
  sep(...chars: string[]): boolean {
    const token = this.peek();
    if (token?.t === 'sep' && chars.includes(token.c)) {
      this.i++;
      return true;
    }
    return false;
  }
  word<K extends Word['kind']>(kind: K): (Word & { kind: K }) | undefined {
    const token = this.peek();
    if (token?.t === 'word' && token.word.kind === kind) {
      this.i++;
      return token.word as Word & { kind: K };
    }
    return undefined;
  }
}

/** TryAdjustYear: a year written with one or two digits is in 1930–2029 (TwoDigitYearMax). */
function twoDigitYear(token: Token & { t: 'num' }): number {
  if (token.text.length >= 3) return token.value;
  return token.value <= 29 ? 2000 + token.value : 1900 + token.value;
}

/**
 * A month name with two numbers: day then year, or — when that is no date and both numbers are
 * short — year then day, as GetDayOfMNN tries them ("Dec 99 31" is 1999-12-31).
 */
function dayOrYearFirst(
  first: Token & { t: 'num' },
  month: number,
  second: Token & { t: 'num' },
): DateFields {
  const year = twoDigitYear(second);
  if (!isValidDate(year, month, first.value) && first.text.length <= 2) {
    const swapped = twoDigitYear(first);
    if (isValidDate(swapped, month, second.value))
      return { year: swapped, month, day: second.value, numeric: false };
  }
  return { year, month, day: first.value, numeric: false };
}

/** A separator between date parts: `/`, `-`, `.` or whitespace (required between numbers). */
function dateSeparator(c: Cursor, required: boolean): boolean {
  if (c.sep('/', '-', '.')) return true;
  const next = c.peek();
  return !required || (next !== undefined && next.gap);
}

/** The date forms of the invariant culture; undefined (cursor unchanged) when none matches. */
function parseDate(c: Cursor): DateFields | undefined {
  const start = c.i;
  const attempt = (read: () => DateFields | undefined): DateFields | undefined => {
    c.i = start;
    const fields = read();
    if (!fields) c.i = start;
    return fields;
  };
  return (
    // yyyy-MM-dd, yyyy/M/d, yyyy Dec 31, yyyy-MM
    attempt(() => {
      const year = c.num(MAX_NUMBER_DIGITS, 3);
      if (!year || startsTime(c)) return undefined;
      dateSeparator(c, false);
      const monthName = c.word('month');
      const monthNumber = monthName ? undefined : c.num();
      const month = monthName?.value ?? monthNumber?.value;
      if (month === undefined || startsTime(c)) return undefined;
      const save = c.i;
      if (dateSeparator(c, monthName === undefined)) {
        const day = c.num();
        if (day && !isTimeSeparatorNext(c))
          return { year: year.value, month, day: day.value, numeric: false };
      }
      c.i = save;
      return { year: year.value, month, day: undefined, numeric: false };
    }) ??
    // M/d/yyyy, M/d/yy, M/d, M/yyyy
    attempt(() => {
      const month = c.num();
      if (!month || startsTime(c) || !dateSeparator(c, true)) return undefined;
      const second = c.num(MAX_NUMBER_DIGITS);
      if (!second || startsTime(c)) return undefined;
      if (second.text.length >= 3)
        return { year: second.value, month: month.value, day: undefined, numeric: true };
      const save = c.i;
      if (dateSeparator(c, true)) {
        const year = c.num(MAX_NUMBER_DIGITS);
        if (year && !startsTime(c)) {
          return { year: twoDigitYear(year), month: month.value, day: second.value, numeric: true };
        }
      }
      c.i = save;
      return { year: undefined, month: month.value, day: second.value, numeric: true };
    }) ??
    // Dec 31 2026, December 31, 2026, Dec 31, Dec 2026
    attempt(() => {
      const month = c.word('month');
      if (!month) return undefined;
      dateSeparator(c, false);
      const first = c.num(MAX_NUMBER_DIGITS);
      if (!first || startsTime(c)) return undefined;
      if (first.text.length >= 3)
        return { year: first.value, month: month.value, day: undefined, numeric: false };
      const save = c.i;
      if (dateSeparator(c, true)) {
        const year = c.num(MAX_NUMBER_DIGITS);
        if (year && !isTimeSeparatorNext(c)) return dayOrYearFirst(first, month.value, year);
      }
      c.i = save;
      return { year: undefined, month: month.value, day: first.value, numeric: false };
    }) ??
    // 31 Dec 2026, 31-Dec-26, and "26 Dec": December 2026
    attempt(() => {
      const day = c.num();
      if (!day || startsTime(c)) return undefined;
      dateSeparator(c, false);
      const month = c.word('month');
      if (!month) return undefined;
      const save = c.i;
      dateSeparator(c, false);
      const year = c.num(MAX_NUMBER_DIGITS);
      if (year && !isTimeSeparatorNext(c)) return dayOrYearFirst(day, month.value, year);
      c.i = save;
      // GetDayOfNM: with the invariant "MMMM dd" and "yyyy MMMM" patterns the number is a
      // two-digit year, not the day ("31 December" is December 1931).
      return { year: twoDigitYear(day), month: month.value, day: undefined, numeric: false };
    })
  );
}

function isTimeSeparatorNext(c: Cursor): boolean {
  const next = c.peek();
  return next?.t === 'sep' && next.c === ':';
}

function isAmPmNext(c: Cursor): boolean {
  const next = c.peek();
  return next?.t === 'word' && next.word.kind === 'ampm';
}

/** Whether the number just read is the hour of a time (followed by `:` or AM/PM). */
function startsTime(c: Cursor): boolean {
  return isTimeSeparatorNext(c) || isAmPmNext(c);
}

function parseTime(c: Cursor): TimeFields | undefined {
  const start = c.i;
  const hour = c.num();
  if (!hour) return undefined;
  const fields: TimeFields = {
    hour: hour.value,
    minute: 0,
    second: 0,
    fraction: '',
    pm: undefined,
    colon: false,
  };
  if (c.sep(':')) {
    const minute = c.num();
    if (!minute) {
      c.i = start;
      return undefined;
    }
    fields.minute = minute.value;
    fields.colon = true;
    if (c.sep(':')) {
      const second = c.num();
      if (!second) throw badDateTime();
      fields.second = second.value;
      const dot = c.peek();
      const digits = c.peek(1);
      if (dot?.t === 'sep' && dot.c === '.' && !dot.gap && digits?.t === 'num' && !digits.gap) {
        fields.fraction = digits.text;
        c.i += 2;
      }
    }
  } else if (!isAmPmNext(c)) {
    c.i = start;
    return undefined;
  }
  const ampm = c.word('ampm');
  if (ampm) fields.pm = ampm.pm;
  return fields;
}

/** ParseTimeZone: `+h`, `+hh`, `+h:mm`, `+hh:mm`, `+hmm`, `+hhmm` (minutes below 60). */
function parseOffset(c: Cursor): Zone | undefined {
  const sign = c.peek();
  if (sign?.t !== 'sep' || (sign.c !== '+' && sign.c !== '-')) return undefined;
  c.i++;
  const number = c.num(4);
  if (!number) throw badDateTime();
  let hours: number;
  let minutes = 0;
  if (number.text.length <= 2) {
    hours = number.value;
    if (c.sep(':')) {
      const m = c.num();
      if (!m) throw badDateTime();
      minutes = m.value;
    }
  } else {
    hours = Math.floor(number.value / 100);
    minutes = number.value % 100;
  }
  if (minutes >= 60) throw badDateTime();
  const ticks = BigInt(hours * 60 + minutes) * TICKS_PER_MINUTE;
  return sign.c === '-' ? -ticks : ticks;
}

/** ParseFraction's double sum and Math.Round (half to even) of the ticks, as .NET computes them. */
function fractionTicks(digits: string): bigint {
  let fraction = 0;
  let base = 0.1;
  for (const ch of digits) {
    fraction += (ch.charCodeAt(0) - 0x30) * base;
    base *= 0.1;
  }
  const scaled = fraction * 10_000_000;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const rounded = diff > 0.5 || (diff === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return BigInt(rounded);
}

interface Parsed {
  date: DateFields | undefined;
  time: TimeFields | undefined;
  zone: Zone | undefined;
  dayOfWeek: number | undefined;
  iso: boolean;
}

function parseTokens(tokens: readonly Token[], text: string): Parsed {
  const c = new Cursor(tokens);
  const result: Parsed = {
    date: undefined,
    time: undefined,
    zone: undefined,
    dayOfWeek: undefined,
    iso: false,
  };
  const dayOfWeek = c.word('dayOfWeek');
  if (dayOfWeek) result.dayOfWeek = dayOfWeek.value;
  // ISO 8601: yyyy-MM-ddThh:mm[:ss[.f]] then a zone, then nothing.
  const isoStart = c.i;
  const year = c.num(MAX_NUMBER_DIGITS, 3);
  if (year && c.sep('-', '/')) {
    const month = c.num();
    if (month && c.sep('-', '/')) {
      const day = c.num();
      if (day && c.word('timeMark')) {
        result.iso = true;
        result.date = { year: year.value, month: month.value, day: day.value, numeric: false };
        const hour = c.num(2, 2);
        if (!hour || !c.sep(':')) throw badDateTime();
        const minute = c.num(2, 2);
        if (!minute) throw badDateTime();
        const time: TimeFields = {
          hour: hour.value,
          minute: minute.value,
          second: 0,
          fraction: '',
          pm: undefined,
          colon: true,
        };
        if (c.sep(':')) {
          const second = c.num(2, 2);
          if (!second) throw badDateTime();
          time.second = second.value;
          if (c.sep('.')) {
            const digits = c.peek();
            if (digits?.t !== 'num' || digits.gap) throw badDateTime();
            time.fraction = digits.text;
            c.i++;
          }
        }
        result.time = time;
        // ParseISO8601 takes Z (not GMT) or an offset.
        const zulu = c.peek();
        if (zulu?.t === 'word' && zulu.word.kind === 'utc' && text.charAt(zulu.at).toUpperCase() === 'Z') {
          c.i++;
          result.zone = 0n;
        } else {
          result.zone = parseOffset(c);
        }
        // ParseISO8601 reads characters, not words: anything left is a plain format error.
        if (!c.atEnd()) throw badDateTime();
        return result;
      }
    }
  }
  c.i = isoStart;
  rejectUnknownWords(tokens);

  const readTime = (): void => {
    const time = parseTime(c);
    if (!time) return;
    result.time = time;
    if (c.word('utc')) result.zone = 0n;
    else result.zone = parseOffset(c);
  };
  const date = parseDate(c);
  if (date) {
    result.date = date;
    const incomplete = date.year === undefined || date.day === undefined;
    const number = c.peek();
    const ampm = c.peek(1);
    if (
      incomplete &&
      (date.day === undefined || !date.numeric) &&
      number?.t === 'num' &&
      number.text.length <= 2 &&
      ampm?.t === 'word' &&
      ampm.word.kind === 'ampm'
    ) {
      // .NET's state machine takes a number before AM/PM as the missing part of an incomplete
      // date ("Dec 2026 10 PM" is the 10th, "Dec 31 10 PM" is 2010); AM/PM alone is then 0 or 12 h.
      if (date.day === undefined) date.day = number.value;
      else date.year = twoDigitYear(number);
      c.i++;
    }
    const alone = c.word('ampm');
    if (alone) {
      result.time = { hour: 0, minute: 0, second: 0, fraction: '', pm: alone.pm, colon: false };
      if (c.word('utc')) result.zone = 0n;
      else result.zone = parseOffset(c);
    } else {
      readTime();
    }
    // An incomplete date takes no "h:mm" time and no Z/GMT (it does take "10 PM" and an offset).
    if (incomplete && result.time?.colon) throw badDateTime();
    if (!result.time) {
      if (incomplete && c.peek()?.t === 'word') throw badDateTime();
      // A zone may also follow a date without a time ("2026-12-31+02:00").
      result.zone = parseOffset(c);
    }
  } else {
    readTime();
    if (result.time) result.date = parseDate(c);
  }
  if (!result.date && !result.time) throw badDateTime();
  if (result.zone === undefined && c.word('utc')) result.zone = 0n;
  if (!c.atEnd()) throw badDateTime();
  return result;
}

/**
 * DateTime.Parse(text, InvariantCulture) as .NET Framework 4.8 does it, for the forms listed
 * above. Throws DotNetException FormatException (`String was not recognized as a valid
 * DateTime.`, or the unknown-word message with the word's index).
 */
export function parseDotNetDateTime(text: string, time: ServerTime): DotNetDateTime {
  if (text.length === 0) throw badDateTime();
  const parsed = parseTokens(tokenize(text), text);
  const clock = parsed.time;
  if (clock?.pm !== undefined) {
    // AdjustHour: 12 AM is 0; PM adds 12 below noon; an hour past 12 with AM fails.
    if (!clock.pm && clock.hour > 12) throw badDateTime();
    if (clock.pm && clock.hour > 23) throw badDateTime();
    clock.hour = clock.pm
      ? clock.hour < 12
        ? clock.hour + 12
        : clock.hour
      : clock.hour === 12
        ? 0
        : clock.hour;
  }
  let year: number;
  let month: number;
  let day: number;
  if (parsed.date) {
    month = parsed.date.month;
    day = parsed.date.day ?? 1;
    year = parsed.date.year ?? partsFromTicks(nowLocalTicks(time)).year;
    if (!isValidDate(year, month, day)) throw parsed.iso ? badCalendar() : badDateTime();
  } else {
    ({ year, month, day } = partsFromTicks(nowLocalTicks(time)));
  }
  const hour = clock?.hour ?? 0;
  const minute = clock?.minute ?? 0;
  const second = clock?.second ?? 0;
  if (hour > 23 || minute > 59 || second > 59) throw badCalendar();
  let ticks = ticksFromParts(year, month, day, hour, minute, second);
  if (clock && clock.fraction !== '') {
    ticks += fractionTicks(clock.fraction);
    if (ticks > MAX_TICKS)
      throw new DotNetException(DotNetTypes.argumentOutOfRange, DotNetMessages.dateArithmetic);
  }
  if (parsed.dayOfWeek !== undefined && partsFromTicks(ticks).dayOfWeek !== parsed.dayOfWeek) {
    throw new DotNetException(DotNetTypes.format, DotNetMessages.badDayOfWeek);
  }
  if (parsed.zone === undefined) return new DotNetDateTime(ticks, 'Unspecified');
  return new DotNetDateTime(adjustToLocal(ticks, parsed.zone, !parsed.date, time), 'Local');
}

/** DateTimeParse.AdjustTimeZoneToLocal. */
function adjustToLocal(ticks: bigint, zone: Zone, timeOnly: boolean, time: ServerTime): bigint {
  let result = ticks - zone;
  if (ticks < TICKS_PER_DAY) {
    // A time of day on 0001-01-01: shifted by the local offset and wrapped within the day.
    result += offsetTicksAtLocal(time.zone, timeOnly ? nowLocalTicks(time) : ticks);
    if (result < 0n) result += TICKS_PER_DAY;
  } else if (result < 0n || result > MAX_TICKS) {
    result += offsetTicksAtLocal(time.zone, ticks);
  } else {
    result += offsetTicksAtUtc(time.zone, result);
  }
  if (result < 0n || result > MAX_TICKS)
    throw new DotNetException(DotNetTypes.format, DotNetMessages.dateOutOfRange);
  return result;
}
