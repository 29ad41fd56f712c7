/**
 * .NET Framework 4.x's number parsing and `R` formatting with the invariant culture, ported from
 * the reference source (mscorlib `Number.ParseNumber`, `NumberToInt32`…, and the native
 * `NumberToDouble` / `NumberBufferToDecimal` / `FormatDouble` of `number.cpp`) so that values
 * convert, fail and print exactly as they do on a Windows ASMX server — quirks included.
 */
import type { PrimitiveName } from '../contract/model';
import { dotnetTrim } from './dotnetChars';
import { formatError, overflowError } from './dotnetException';

/** `System.Globalization.NumberStyles` flags. */
export const NumberStyles = {
  AllowLeadingWhite: 0x01,
  AllowTrailingWhite: 0x02,
  AllowLeadingSign: 0x04,
  AllowTrailingSign: 0x08,
  AllowParentheses: 0x10,
  AllowDecimalPoint: 0x20,
  AllowThousands: 0x40,
  AllowExponent: 0x80,
  /** Int32.Parse's default (what Convert.ToInt32(string) uses). */
  Integer: 0x07,
  /** Decimal.Parse's default (Convert.ToDecimal). */
  Number: 0x6f,
  /** With AllowThousands, Double.Parse's default (Convert.ToDouble). */
  Float: 0xa7,
} as const;

/** Number.NumberBuffer: at most 50 significant digits (no leading zeros), the decimal point position and the sign. */
export interface NumberBuffer {
  /** The significant digits; trailing zeros are kept only when parsing a decimal. */
  readonly digits: string;
  /** Where the decimal point sits: the value is 0.digits × 10^scale. */
  readonly scale: number;
  readonly negative: boolean;
}

const NUMBER_MAX_DIGITS = 50;
const STATE_SIGN = 0x01;
const STATE_PARENS = 0x02;
const STATE_DIGITS = 0x04;
const STATE_NONZERO = 0x08;
const STATE_DECIMAL = 0x10;

/** Number.IsWhite: only U+0009–U+000D and the space (not NBSP, not Unicode spaces). */
function isWhite(ch: number): boolean {
  return ch === 0x20 || (ch >= 0x09 && ch <= 0x0d);
}

/**
 * Number.ParseNumber followed by StringToNumber's end check, for the invariant culture (`+`, `-`,
 * `.`, `,`). Undefined when the text is not a number in these styles (a FormatException).
 */
export function parseNumberBuffer(
  text: string,
  options: number,
  parseDecimal: boolean,
): NumberBuffer | undefined {
  // .NET reads a NUL-terminated buffer: past the end every character is '\0'.
  const at = (i: number): number => (i < text.length ? text.charCodeAt(i) : 0);
  let state = 0;
  let negative = false;
  let scale = 0;
  let p = 0;
  let ch = at(0);
  for (;;) {
    // Whitespace only before the sign: "- 5" is not a number (the invariant NumberNegativePattern is 1).
    if (isWhite(ch) && options & NumberStyles.AllowLeadingWhite && (state & STATE_SIGN) === 0) {
      // skip
    } else if (options & NumberStyles.AllowLeadingSign && (state & STATE_SIGN) === 0 && ch === 0x2b) {
      state |= STATE_SIGN;
    } else if (options & NumberStyles.AllowLeadingSign && (state & STATE_SIGN) === 0 && ch === 0x2d) {
      state |= STATE_SIGN;
      negative = true;
    } else if (ch === 0x28 && options & NumberStyles.AllowParentheses && (state & STATE_SIGN) === 0) {
      state |= STATE_SIGN | STATE_PARENS;
      negative = true;
    } else {
      break;
    }
    ch = at(++p);
  }
  let digits = '';
  let digitsEnd = 0;
  for (;;) {
    if (ch >= 0x30 && ch <= 0x39) {
      state |= STATE_DIGITS;
      if (ch !== 0x30 || state & STATE_NONZERO) {
        if (digits.length < NUMBER_MAX_DIGITS) {
          digits += String.fromCharCode(ch);
          // Trailing zeros count as significant only for Decimal (they are its scale).
          if (ch !== 0x30 || parseDecimal) digitsEnd = digits.length;
        }
        if ((state & STATE_DECIMAL) === 0) scale++;
        state |= STATE_NONZERO;
      } else if (state & STATE_DECIMAL) {
        scale--;
      }
    } else if (options & NumberStyles.AllowDecimalPoint && (state & STATE_DECIMAL) === 0 && ch === 0x2e) {
      state |= STATE_DECIMAL;
    } else if (
      options & NumberStyles.AllowThousands &&
      state & STATE_DIGITS &&
      (state & STATE_DECIMAL) === 0 &&
      ch === 0x2c
    ) {
      // A group separator anywhere after the first digit of the integer part: "1,,2" is 12.
    } else {
      break;
    }
    ch = at(++p);
  }
  digits = digits.slice(0, digitsEnd);
  if ((state & STATE_DIGITS) === 0) return undefined;
  if ((ch === 0x45 || ch === 0x65) && options & NumberStyles.AllowExponent) {
    const beforeExponent = p;
    let negativeExponent = false;
    ch = at(++p);
    if (ch === 0x2b) {
      ch = at(++p);
    } else if (ch === 0x2d) {
      ch = at(++p);
      negativeExponent = true;
    }
    if (ch >= 0x30 && ch <= 0x39) {
      let exponent = 0;
      do {
        exponent = exponent * 10 + (ch - 0x30);
        ch = at(++p);
        if (exponent > 1000) {
          exponent = 9999;
          while (ch >= 0x30 && ch <= 0x39) ch = at(++p);
        }
      } while (ch >= 0x30 && ch <= 0x39);
      scale += negativeExponent ? -exponent : exponent;
    } else {
      // "1e" or "1e+": the 'e' is not part of the number.
      p = beforeExponent;
      ch = at(p);
    }
  }
  for (;;) {
    if (isWhite(ch) && options & NumberStyles.AllowTrailingWhite) {
      // skip
    } else if (options & NumberStyles.AllowTrailingSign && (state & STATE_SIGN) === 0 && ch === 0x2b) {
      state |= STATE_SIGN;
    } else if (options & NumberStyles.AllowTrailingSign && (state & STATE_SIGN) === 0 && ch === 0x2d) {
      state |= STATE_SIGN;
      negative = true;
    } else if (ch === 0x29 && state & STATE_PARENS) {
      state &= ~STATE_PARENS;
    } else {
      break;
    }
    ch = at(++p);
  }
  if (state & STATE_PARENS) return undefined;
  if ((state & STATE_NONZERO) === 0) {
    if (!parseDecimal) scale = 0;
    // "-0" is zero, but "-0.0" keeps its sign (a negative-zero Decimal).
    if ((state & STATE_DECIMAL) === 0) negative = false;
  }
  // StringToNumber: what follows the number may only be NUL characters ("for compatibility").
  for (let i = p; i < text.length; i++) if (text.charCodeAt(i) !== 0) return undefined;
  return { digits, scale, negative };
}

/** The integer types of .NET, by the word their OverflowException names them with. */
export type IntegerKind = 'SByte' | 'Byte' | 'Int16' | 'UInt16' | 'Int32' | 'UInt32' | 'Int64' | 'UInt64';

export const INTEGER_RANGES: Readonly<Record<IntegerKind, readonly [min: bigint, max: bigint]>> = {
  SByte: [-128n, 127n],
  Byte: [0n, 255n],
  Int16: [-32768n, 32767n],
  UInt16: [0n, 65535n],
  Int32: [-2147483648n, 2147483647n],
  UInt32: [0n, 4294967295n],
  Int64: [-9223372036854775808n, 9223372036854775807n],
  UInt64: [0n, 18446744073709551615n],
};

/**
 * Int32.Parse / Int16.Parse / Byte.Parse … with the invariant culture: FormatException when the
 * text is not an integer in `styles`, OverflowException (naming `kind`) when it is out of range.
 * A minus sign on an unsigned type is an overflow, not a format error (`-1` → UInt32 overflow),
 * except `-0`, which is zero.
 */
export function parseDotNetInteger(text: string, styles: number, kind: IntegerKind): bigint {
  const number = parseNumberBuffer(text, styles, false);
  if (!number) throw formatError();
  // NumberToInt32 refuses a fraction and more integer digits than the type can have; the smaller
  // types parse as Int32/UInt32 and then check their range, with their own message either way.
  const [min, max] = INTEGER_RANGES[kind];
  if (number.scale < number.digits.length || number.scale > 20) throw overflowError(kind);
  let value =
    number.digits === '' ? 0n : BigInt(number.digits) * 10n ** BigInt(number.scale - number.digits.length);
  if (number.negative) value = -value;
  if (value < min || value > max) throw overflowError(kind);
  return value;
}

// ---------------------------------------------------------------------------------------------
// NumberToDouble: .NET Framework's own decimal-to-binary conversion. It keeps at most 18 digits
// (truncating the rest) and multiplies with 64-bit tables whose rounding can be off by one unit
// in the last place: ported bit for bit so that parsing and the `R` round-trip test agree with .NET.

const MASK64 = (1n << 64n) - 1n;
const MASK32 = (1n << 32n) - 1n;
const TOP_BIT = 1n << 63n;

// prettier-ignore
const POWERS_OF_10: readonly bigint[] = [
  // 10^1 … 10^15
  0xa000000000000000n, 0xc800000000000000n, 0xfa00000000000000n, 0x9c40000000000000n, 0xc350000000000000n,
  0xf424000000000000n, 0x9896800000000000n, 0xbebc200000000000n, 0xee6b280000000000n, 0x9502f90000000000n,
  0xba43b74000000000n, 0xe8d4a51000000000n, 0x9184e72a00000000n, 0xb5e620f480000000n, 0xe35fa931a0000000n,
  // 0.1^1 … 0.1^15
  0xcccccccccccccccdn, 0xa3d70a3d70a3d70bn, 0x83126e978d4fdf3cn, 0xd1b71758e219652en, 0xa7c5ac471b478425n,
  0x8637bd05af6c69b7n, 0xd6bf94d5e57a42ben, 0xabcc77118461ceffn, 0x89705f4136b4a599n, 0xdbe6fecebdedd5c2n,
  0xafebff0bcb24ab02n, 0x8cbccc096f5088cfn, 0xe12e13424bb40e18n, 0xb424dc35095cd813n, 0x901d7cf73ab0acdcn,
];
// prettier-ignore
const POWERS_OF_10_EXPONENTS: readonly number[] = [4, 7, 10, 14, 17, 20, 24, 27, 30, 34, 37, 40, 44, 47, 50];
// prettier-ignore
const POWERS_OF_10_BY_16: readonly bigint[] = [
  // 10^16 … 10^336
  0x8e1bc9bf04000000n, 0x9dc5ada82b70b59en, 0xaf298d050e4395d6n, 0xc2781f49ffcfa6d4n, 0xd7e77a8f87daf7fan,
  0xefb3ab16c59b14a0n, 0x850fadc09923329cn, 0x93ba47c980e98cden, 0xa402b9c5a8d3a6e6n, 0xb616a12b7fe617a8n,
  0xca28a291859bbf90n, 0xe070f78d39275566n, 0xf92e0c3537826140n, 0x8a5296ffe33cc92cn, 0x9991a6f3d6bf1762n,
  0xaa7eebfb9df9de8an, 0xbd49d14aa79dbc7en, 0xd226fc195c6a2f88n, 0xe950df20247c83f8n, 0x81842f29f2cce373n,
  0x8fcac257558ee4e2n,
  // 0.1^16 … 0.1^336
  0xe69594bec44de160n, 0xcfb11ead453994c3n, 0xbb127c53b17ec165n, 0xa87fea27a539e9b3n, 0x97c560ba6b0919b5n,
  0x88b402f7fd7553abn, 0xf64335bcf065d3a0n, 0xddd0467c64bce4c4n, 0xc7caba6e7c5382edn, 0xb3f4e093db73a0b7n,
  0xa21727db38cb0053n, 0x91ff83775423cc29n, 0x8380dea93da4bc82n, 0xece53cec4a314f00n, 0xd5605fcdcf32e217n,
  0xc0314325637a1978n, 0xad1c8eab5ee43ba2n, 0x9becce62836ac5b0n, 0x8c71dcd9ba0b495cn, 0xfd00b89747823938n,
  0xe3e27a444d8d991an,
];
// prettier-ignore
const POWERS_OF_10_BY_16_EXPONENTS: readonly number[] = [
  54, 107, 160, 213, 266, 319, 373, 426, 479, 532, 585, 638, 691, 745, 798, 851, 904, 957, 1010, 1064, 1117,
];

/** The tables, for tests that check them against exact powers of ten. */
export const NUMBER_TO_DOUBLE_TABLES = {
  POWERS_OF_10,
  POWERS_OF_10_EXPONENTS,
  POWERS_OF_10_BY_16,
  POWERS_OF_10_BY_16_EXPONENTS,
};

/** number.cpp Mul64Lossy: the high 64 bits of a×b, without the low×low term, normalised. */
function mul64Lossy(a: bigint, b: bigint, exponent: { value: number }): bigint {
  let value =
    (a >> 32n) * (b >> 32n) + (((a >> 32n) * (b & MASK32)) >> 32n) + (((a & MASK32) * (b >> 32n)) >> 32n);
  value &= MASK64;
  if ((value & TOP_BIT) === 0n) {
    value = (value << 1n) & MASK64;
    exponent.value -= 1;
  }
  return value;
}

const FLOAT_VIEW = new DataView(new ArrayBuffer(8));

function bitsToDouble(bits: bigint): number {
  FLOAT_VIEW.setBigUint64(0, bits);
  return FLOAT_VIEW.getFloat64(0);
}

function doubleToBits(value: number): bigint {
  FLOAT_VIEW.setFloat64(0, value);
  return FLOAT_VIEW.getBigUint64(0);
}

/** number.cpp NumberToDouble (the portable version .NET Framework uses on x64). */
export function numberToDouble(number: NumberBuffer): number {
  let src = number.digits;
  const total = src.length;
  let remaining = total;
  let start = 0;
  while (start < src.length && src.charCodeAt(start) === 0x30) {
    start++;
    remaining--;
  }
  let bits: bigint;
  if (remaining === 0) {
    bits = 0n;
  } else {
    src = src.slice(start);
    let count = Math.min(remaining, 9);
    remaining -= count;
    let value = BigInt(src.slice(0, count));
    if (remaining > 0) {
      count = Math.min(remaining, 9);
      remaining -= count;
      value = value * 10n ** BigInt(count) + BigInt(src.slice(9, 9 + count));
    }
    // Digits past the 18th are dropped, not rounded.
    const scale = number.scale - (total - remaining);
    const absScale = Math.abs(scale);
    if (absScale >= 22 * 16) {
      bits = scale > 0 ? 0x7ff0000000000000n : 0n;
    } else {
      const exponent = { value: 64 };
      for (const shift of [32, 16, 8, 4, 2, 1]) {
        const mask = (MASK64 << BigInt(64 - shift)) & MASK64;
        if ((value & mask) === 0n) {
          value = (value << BigInt(shift)) & MASK64;
          exponent.value -= shift;
        }
      }
      let index = absScale & 15;
      if (index) {
        const multiplierExponent = POWERS_OF_10_EXPONENTS[index - 1] as number;
        exponent.value += scale < 0 ? -multiplierExponent + 1 : multiplierExponent;
        value = mul64Lossy(value, POWERS_OF_10[index + (scale < 0 ? 15 : 0) - 1] as bigint, exponent);
      }
      index = absScale >> 4;
      if (index) {
        const multiplierExponent = POWERS_OF_10_BY_16_EXPONENTS[index - 1] as number;
        exponent.value += scale < 0 ? -multiplierExponent + 1 : multiplierExponent;
        value = mul64Lossy(value, POWERS_OF_10_BY_16[index + (scale < 0 ? 21 : 0) - 1] as bigint, exponent);
      }
      if (value & 0x400n) {
        // Round to even on the 11 bits that do not fit.
        let rounded = (value + 0x3ffn + ((value >> 11n) & 1n)) & MASK64;
        if (rounded < value) {
          rounded = (rounded >> 1n) | TOP_BIT;
          exponent.value += 1;
        }
        value = rounded;
      }
      const biased = exponent.value + 0x3fe;
      if (biased <= 0) {
        if (biased === -52 && value >= 0x8000000000000058n) bits = 1n;
        else if (biased <= -52) bits = 0n;
        else bits = value >> BigInt(-biased + 11 + 1);
      } else if (biased >= 0x7ff) {
        bits = 0x7ff0000000000000n;
      } else {
        bits = (BigInt(biased) << 52n) + ((value >> 11n) & 0x000fffffffffffffn);
      }
    }
  }
  if (number.negative) bits |= TOP_BIT;
  return bitsToDouble(bits);
}

/** The Infinity / NaN symbols Double.Parse falls back to (compared after String.Trim()). */
function specialDouble(text: string): number | undefined {
  const trimmed = dotnetTrim(text);
  if (trimmed === 'Infinity') return Infinity;
  if (trimmed === '-Infinity') return -Infinity;
  if (trimmed === 'NaN') return NaN;
  return undefined;
}

/**
 * The shared part of Double.Parse and Single.Parse: the invariant symbols (`Infinity`,
 * `-Infinity`, `NaN`) as they are, otherwise the number as a double, overflow throwing for `typeName`.
 */
function parseFloating(text: string, styles: number, typeName: 'Double' | 'Single'): number {
  const number = parseNumberBuffer(text, styles, false);
  if (!number) {
    const special = specialDouble(text);
    if (special !== undefined) return special;
    throw formatError();
  }
  const value = numberToDouble(number);
  if (!Number.isFinite(value)) throw overflowError(typeName);
  return value;
}

/** Double.Parse(text, styles, InvariantCulture) of .NET Framework: overflow throws; -0 reads as +0. */
export function parseDotNetDouble(text: string, styles: number): number {
  const value = parseFloating(text, styles, 'Double');
  // NumberBufferToDouble turns a negative zero into +0.
  return value === 0 ? 0 : value;
}

/** Single.Parse(text, styles, InvariantCulture): parsed as a double, then rounded to float. */
export function parseDotNetSingle(text: string, styles: number): number {
  const value = parseFloating(text, styles, 'Single');
  if (!Number.isFinite(value)) return value; // Infinity, -Infinity, NaN as written
  const single = Math.fround(value);
  if (!Number.isFinite(single)) throw overflowError('Single');
  return single === 0 ? 0 : single;
}

// ---------------------------------------------------------------------------------------------
// Decimal

/** A System.Decimal: a 96-bit magnitude, a scale 0–28 and a sign (a negative zero exists). */
export interface DotNetDecimal {
  readonly magnitude: bigint;
  readonly scale: number;
  readonly negative: boolean;
}

const DECIMAL_PRECISION = 29;
const MAX_DECIMAL_MAGNITUDE = (1n << 96n) - 1n;
/** 0x19999999_99999999_99999999: the largest magnitude that can still take another digit. */
const DECIMAL_GUARD = MAX_DECIMAL_MAGNITUDE / 10n;

/** number.cpp NumberBufferToDecimal (.NET Framework 4.5+); undefined on overflow. */
export function numberToDecimal(number: NumberBuffer): DotNetDecimal | undefined {
  const digits = number.digits;
  const digitAt = (i: number): number => (i >= 0 && i < digits.length ? digits.charCodeAt(i) : 0);
  let e = number.scale;
  let magnitude = 0n;
  if (digits.length === 0) {
    // A zero keeps the scale of its written fraction ("0.00"), but never a positive one.
    if (e > 0) e = 0;
  } else {
    if (e > DECIMAL_PRECISION) return undefined;
    let p = 0;
    while (
      (e > 0 || (p < digits.length && e > -28)) &&
      (magnitude < DECIMAL_GUARD || (magnitude === DECIMAL_GUARD && digitAt(p) <= 0x35))
    ) {
      magnitude *= 10n;
      if (p < digits.length) magnitude += BigInt(digitAt(p++) - 0x30);
      e--;
    }
    if (digitAt(p) >= 0x35) {
      p++;
      let round = true;
      // Banker's rounding only when the dropped part is exactly one half after an even digit
      // (looking at no more than 20 further digits); the digit before the first one reads as 0.
      if (digitAt(p - 1) === 0x35 && digitAt(p - 2) % 2 === 0) {
        let count = 20;
        while (digitAt(p) === 0x30 && count !== 0) {
          p++;
          count--;
        }
        if (digitAt(p) === 0 || count === 0) round = false;
      }
      if (round) {
        magnitude += 1n;
        if (magnitude > MAX_DECIMAL_MAGNITUDE) {
          magnitude = DECIMAL_GUARD + 1n;
          e++;
        }
      }
    }
  }
  if (e > 0) return undefined;
  if (e <= -DECIMAL_PRECISION)
    return { magnitude: 0n, scale: DECIMAL_PRECISION - 1, negative: number.negative };
  return { magnitude, scale: -e, negative: number.negative };
}

/** Decimal.Parse(text, styles, InvariantCulture). */
export function parseDotNetDecimal(text: string, styles: number): DotNetDecimal {
  const number = parseNumberBuffer(text, styles, true);
  if (!number) throw formatError();
  const value = numberToDecimal(number);
  if (!value) throw overflowError('Decimal');
  return value;
}

/** Decimal.ToString(InvariantCulture): every digit of the scale, no exponent, and no sign on zero. */
export function formatDotNetDecimal(value: DotNetDecimal): string {
  let digits = value.magnitude.toString();
  if (value.scale > 0) {
    digits = digits.padStart(value.scale + 1, '0');
    digits = `${digits.slice(0, digits.length - value.scale)}.${digits.slice(digits.length - value.scale)}`;
  }
  return value.negative && value.magnitude !== 0n ? `-${digits}` : digits;
}

/**
 * `new Decimal(double)` (what a C# cast does): 15 significant digits, trailing zeros dropped.
 * Undefined for NaN, infinities and magnitudes beyond Decimal's range (an OverflowException).
 */
export function decimalFromDouble(value: number): DotNetDecimal | undefined {
  if (!Number.isFinite(value) || Math.abs(value) >= 7.9228162514264338e28) return undefined;
  if (Math.abs(value) < 1e-28) return { magnitude: 0n, scale: 0, negative: false };
  const { digits, scale } = doubleDigits(Math.abs(value), 15);
  const significant = digits.replace(/0+$/, '');
  let fractionDigits = significant.length - scale;
  let magnitude = BigInt(significant);
  if (fractionDigits < 0) {
    magnitude *= 10n ** BigInt(-fractionDigits);
    fractionDigits = 0;
  }
  if (fractionDigits > 28) {
    // Beyond 28 decimals the value rounds (half even) at the 28th.
    const drop = 10n ** BigInt(fractionDigits - 28);
    const remainder = magnitude % drop;
    magnitude /= drop;
    if (remainder * 2n > drop || (remainder * 2n === drop && magnitude % 2n === 1n)) magnitude += 1n;
    fractionDigits = 28;
  }
  return { magnitude, scale: fractionDigits, negative: value < 0 && magnitude !== 0n };
}

// ---------------------------------------------------------------------------------------------
// Formatting: DoubleToNumber, RoundNumber and FormatGeneral of number.cpp, and the `R` format.

/**
 * The first `precision` significant decimal digits of a positive finite double, rounded to
 * nearest from its exact binary value (an exact tie rounds up), and the decimal point position.
 */
export function doubleDigits(value: number, precision: number): { digits: string; scale: number } {
  const bits = doubleToBits(value);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0x000fffffffffffffn;
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const exponent = biasedExponent === 0 ? -1074 : biasedExponent - 1075;
  const numerator = exponent >= 0 ? mantissa << BigInt(exponent) : mantissa;
  const denominator = exponent >= 0 ? 1n : 1n << BigInt(-exponent);
  const low = 10n ** BigInt(precision - 1);
  const high = low * 10n;
  let k = Math.floor(Math.log10(value));
  for (;;) {
    const shift = precision - 1 - k;
    const n = shift >= 0 ? numerator * 10n ** BigInt(shift) : numerator;
    const d = shift >= 0 ? denominator : denominator * 10n ** BigInt(-shift);
    let q = n / d;
    if (q >= high) {
      k++;
      continue;
    }
    if (q < low) {
      k--;
      continue;
    }
    // An exact tie rounds up, as the CRT's _ecvt that .NET Framework formats with does.
    if ((n % d) * 2n >= d) q += 1n;
    if (q === high) {
      q = low;
      k++;
    }
    return { digits: q.toString(), scale: k + 1 };
  }
}

/** FormatGeneral after RoundNumber: `G` layout with `precision` digits, `E+XX` past them or below 1E-4. */
function formatGeneral(digits: string, scale: number, negative: boolean, precision: number): string {
  const significant = digits.replace(/0+$/, '');
  if (significant === '') return '0';
  let position = scale;
  let scientific = false;
  if (position > precision || position < -3) {
    position = 1;
    scientific = true;
  }
  let text = '';
  let i = 0;
  if (position > 0) {
    do {
      text += i < significant.length ? significant.charAt(i++) : '0';
    } while (--position > 0);
  } else {
    text = '0';
  }
  if (i < significant.length || position < 0) {
    text += '.';
    while (position < 0) {
      text += '0';
      position++;
    }
    text += significant.slice(i);
  }
  if (scientific) {
    const exponent = scale - 1;
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    text += `E${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  return negative ? `-${text}` : text;
}

/**
 * Double.ToString("R", InvariantCulture) of .NET Framework: the 15-digit form when .NET's own
 * parser reads it back as the same double, else 17 digits (`0.33333333333333331` for 1/3).
 * Negative zero prints as `0`; infinities and NaN as .NET's symbols.
 */
export function formatDoubleRoundTrip(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return '0';
  const negative = value < 0;
  const short = doubleDigits(Math.abs(value), 15);
  if (numberToDouble({ ...short, negative }) === value)
    return formatGeneral(short.digits, short.scale, negative, 15);
  const long = doubleDigits(Math.abs(value), 17);
  return formatGeneral(long.digits, long.scale, negative, 17);
}

/** Single.ToString("R", InvariantCulture): 7 digits when they read back as the same float, else 9. */
export function formatSingleRoundTrip(value: number): string {
  const single = Math.fround(value);
  if (Number.isNaN(single)) return 'NaN';
  if (!Number.isFinite(single)) return single > 0 ? 'Infinity' : '-Infinity';
  if (single === 0) return '0';
  const negative = single < 0;
  const short = doubleDigits(Math.abs(single), 7);
  if (Math.fround(numberToDouble({ ...short, negative })) === single) {
    return formatGeneral(short.digits, short.scale, negative, 7);
  }
  const long = doubleDigits(Math.abs(single), 9);
  return formatGeneral(long.digits, long.scale, negative, 9);
}

/** The .NET integer type behind each XSD integer primitive. */
export const INTEGER_KINDS: Readonly<Partial<Record<PrimitiveName, IntegerKind>>> = {
  byte: 'SByte',
  unsignedByte: 'Byte',
  short: 'Int16',
  unsignedShort: 'UInt16',
  int: 'Int32',
  unsignedInt: 'UInt32',
  long: 'Int64',
  unsignedLong: 'UInt64',
};
