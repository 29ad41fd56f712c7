/**
 * The JavaScript values of XSD types, as handlers receive them and return them.
 *
 * | XSD | decoded argument | accepted as a result |
 * |---|---|---|
 * | string | string, or null | string |
 * | boolean | boolean | boolean |
 * | byte, unsignedByte, short, unsignedShort, int, unsignedInt | number | number, or a string taken verbatim |
 * | long, unsignedLong | bigint (exact beyond 2^53) | bigint, number, or a string taken verbatim |
 * | float, double | number | number, or a string taken verbatim |
 * | decimal | string, the text as .NET prints the value (scale kept: `1234.50`) | string verbatim, or number |
 * | dateTime | {@link DotNetDateTime} (ticks and kind) | DotNetDateTime, Date (Utc), or a string verbatim |
 * | guid | string, lower-case `D` form | string |
 * | char | number (the UTF-16 code unit) | number |
 * | base64Binary | Buffer, or null | Buffer, Uint8Array, or base64 text |
 * | an enum | string, the member name | string (member name) |
 * | ArrayOfX | array (items may be null), or null | array |
 * | a complex type | a plain object by member name, or null | a plain object (members in any order; absent or null left out) |
 * | XmlNode | (not a parameter type here) | a string holding the XML of one element, or an {@link XmlNodeValue} |
 */

export type DateTimeKind = 'Utc' | 'Local' | 'Unspecified';

/** 100-nanosecond ticks from 0001-01-01T00:00:00 to 1970-01-01T00:00:00 (.NET's DateTime.UnixEpoch). */
export const UNIX_EPOCH_TICKS = 621355968000000000n;
export const TICKS_PER_MS = 10000n;
/** DateTime.MaxValue.Ticks. */
export const MAX_TICKS = 3155378975999999999n;

/**
 * A .NET DateTime: ticks of the wall-clock time it shows (100 ns since 0001-01-01T00:00:00) and
 * its kind. A Local value's ticks are the server's local time; `kind` decides how it is written
 * (`Z`, the server's offset, or nothing).
 */
export class DotNetDateTime {
  constructor(
    readonly ticks: bigint,
    readonly kind: DateTimeKind,
    /** The text the client sent, when the value was decoded from a request (stub rules match on it). */
    readonly sent?: string,
  ) {}

  /**
   * The round-trip form .NET writes (`o` trimmed as XmlSerializer does): `yyyy-MM-ddTHH:mm:ss`,
   * `.` and the fraction without trailing zeros when not zero, then `Z` (Utc), the server's
   * offset at that time (Local) or nothing (Unspecified).
   */
  toString(): string {
    const wallMs = Number((this.ticks - UNIX_EPOCH_TICKS) / TICKS_PER_MS);
    const fraction = Number(this.ticks % 10000000n);
    const date = new Date(wallMs - (wallMs % 1000 < 0 ? 1000 + (wallMs % 1000) : wallMs % 1000));
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    let text =
      `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
      `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
    if (fraction !== 0) text += `.${String(fraction).padStart(7, '0').replace(/0+$/, '')}`;
    if (this.kind === 'Utc') return `${text}Z`;
    if (this.kind === 'Unspecified') return text;
    const offset = localOffsetMinutesAtWallClock(wallMs);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    return `${text}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }

  /** A JavaScript Date as a Utc DateTime (millisecond precision). */
  static fromDate(date: Date, kind: 'Utc' = 'Utc'): DotNetDateTime {
    return new DotNetDateTime(UNIX_EPOCH_TICKS + BigInt(date.getTime()) * TICKS_PER_MS, kind);
  }

  /** DateTime's default: 0001-01-01T00:00:00, Unspecified. */
  static readonly MIN = new DotNetDateTime(0n, 'Unspecified');

  /** The wall-clock time as a JavaScript Date read as UTC (truncated to milliseconds). */
  toWallClockDate(): Date {
    return new Date(Number((this.ticks - UNIX_EPOCH_TICKS) / TICKS_PER_MS));
  }
}

/** An element of an XmlNode result built in code instead of as text: `{ name: 'root', attributes: [['success', 'true']] }`. */
export interface XmlNodeValue {
  readonly name: string;
  /** In writing order. */
  readonly attributes?: ReadonlyArray<readonly [name: string, value: string]>;
  /** Child elements and text, in order. */
  readonly children?: ReadonlyArray<XmlNodeValue | string>;
}

/** Arguments of a call by parameter name (exactly as in the WSDL). */
export type Arguments = Readonly<Record<string, unknown>>;

/**
 * The server's UTC offset in minutes (east positive) for a local wall-clock time given as if it
 * were UTC epoch ms: .NET writes a Local DateTime with the offset of the machine's time zone.
 */
export function localOffsetMinutesAtWallClock(wallMs: number): number {
  const guess = new Date(wallMs);
  // getTimezoneOffset is west-positive and applies to an instant; the instant of a wall time is
  // the wall time minus the offset, found in two steps (exact except inside a DST gap).
  const first = -guess.getTimezoneOffset();
  return -new Date(wallMs - first * 60000).getTimezoneOffset();
}

/** The server's UTC offset in minutes (east positive) at an instant (epoch ms). */
export function localOffsetMinutesAtInstant(epochMs: number): number {
  return -new Date(epochMs).getTimezoneOffset();
}
