/**
 * A .NET exception as ASMX reports it: its full type name and its message. Thrown by the value
 * parsers of the codec (`xmlConvert.ts`, `dotnetParse.ts`) with exactly the type and text .NET
 * Framework 4.x throws, so the transports can print `type: message` the way ASMX does.
 */
export class DotNetException extends Error {
  override readonly name = 'DotNetException';

  constructor(
    /** The full .NET type name, e.g. `System.FormatException`. */
    readonly type: string,
    message: string,
  ) {
    super(message);
  }

  /** What `Exception.ToString()` starts with: `System.FormatException: Input string was not in a correct format.` */
  override toString(): string {
    return `${this.type}: ${this.message}`;
  }
}

/** The .NET exception types the codec throws. */
export const DotNetTypes = {
  format: 'System.FormatException',
  overflow: 'System.OverflowException',
  argument: 'System.ArgumentException',
  argumentOutOfRange: 'System.ArgumentOutOfRangeException',
  invalidOperation: 'System.InvalidOperationException',
  invalidCast: 'System.InvalidCastException',
  xml: 'System.Xml.XmlException',
  requestValidation: 'System.Web.HttpRequestValidationException',
  nullReference: 'System.NullReferenceException',
} as const;

/**
 * The English texts of .NET Framework 4.x's resources that the codec's messages use
 * (mscorlib.txt, System.Xml.txt, System.Web.txt, System.Web.Services.txt).
 */
export const DotNetMessages = {
  // mscorlib
  invalidString: 'Input string was not in a correct format.',
  /** Overflow_Int32 and friends: `word` is `an Int32`, `a UInt16`, `an unsigned byte`… */
  overflow: (word: string) => `Value was either too large or too small for ${word}.`,
  badBoolean: 'String was not recognized as a valid Boolean.',
  needSingleChar: 'String must be exactly one character long.',
  badDateTime: 'String was not recognized as a valid DateTime.',
  /** Format_UnknownDateTimeWord (the .NET Framework 4.8 text). */
  unknownDateTimeWord: (index: number) =>
    `The string was not recognized as a valid DateTime. There is an unknown word starting at index ${index}.`,
  badDateTimeCalendar:
    'The DateTime represented by the string is not supported in calendar System.Globalization.GregorianCalendar.',
  badDayOfWeek: 'String was not recognized as a valid DateTime because the day of week was incorrect.',
  dateOutOfRange: 'The DateTime represented by the string is out of range.',
  /** ArgumentOutOfRange_DateArithmetic, with the parameter line ArgumentException appends. */
  dateArithmetic:
    'The added or subtracted value results in an un-representable DateTime.\r\nParameter name: value',
  enumValueNotFound: (value: string) => `Requested value '${value}' was not found.`,
  mustContainEnumInfo: 'Must specify valid information for parsing in the string.',
  invalidCast: (from: string, to: string) => `Invalid cast from '${from}' to '${to}'.`,
  guidUnrecognized: 'Unrecognized Guid format.',
  guidInvalidLength: 'Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).',
  guidDashes: 'Dashes are in the wrong position for GUID parsing.',
  guidInvalidChar: 'Guid string should only contain hexadecimal characters.',
  guidBrace: 'Expected {0xdddddddd, etc}.',
  guidComma:
    "Could not find a comma, or the length between the previous token and the comma was zero (i.e., '0x,'etc.).",
  guidBraceAfterLastNumber:
    "Could not find a brace, or the length between the previous token and the brace was zero (i.e., '0x,'etc.).",
  guidEndBrace: 'Could not find the ending brace.',
  /** Guid sets this failure with ParseFailureKind.Format, so .NET never fills in its `{0}`. */
  guidHexPrefix: "Expected hex 0x in '{0}'.",
  extraJunkAtEnd: 'Additional non-parsable characters are at the end of the string.',
  noParsibleDigits: 'Could not find any recognizable digits.',
  // System.Xml
  xmlBadFormat: (text: string, kind: string) => `The string '${text}' is not a valid ${kind} value.`,
  xmlUnknownConstant: (value: string, typeName: string) =>
    `Instance validation error: '${value}' is not a valid value for ${typeName}.`,
  xmlInvalidBase64: (text: string) => `'${text}' is not a valid Base64 text sequence.`,
  // System.Web
  dangerousInput: (collection: string, detected: string) =>
    `A potentially dangerous ${collection} value was detected from the client (${detected}).`,
  // System.Web.Services
  cannotConvert: (value: string, typeName: string) =>
    `Cannot convert ${value} to ${typeName}.\r\nParameter name: type`,
  missingParameter: (name: string) => `Missing parameter: ${name}.`,
  nullReference: 'Object reference not set to an instance of an object.',
} as const;

/** The article-and-name .NET's Overflow_* resources use for each integer type. */
export const OverflowWords = {
  SByte: 'a signed byte',
  Byte: 'an unsigned byte',
  Int16: 'an Int16',
  UInt16: 'a UInt16',
  Int32: 'an Int32',
  UInt32: 'a UInt32',
  Int64: 'an Int64',
  UInt64: 'a UInt64',
  Single: 'a Single',
  Double: 'a Double',
  Decimal: 'a Decimal',
} as const;

export function formatError(message: string = DotNetMessages.invalidString): DotNetException {
  return new DotNetException(DotNetTypes.format, message);
}

export function overflowError(word: keyof typeof OverflowWords): DotNetException {
  return new DotNetException(DotNetTypes.overflow, DotNetMessages.overflow(OverflowWords[word]));
}
