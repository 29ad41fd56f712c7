import type { MemberModel, OperationModel, PrimitiveName, EnumType } from '../contract/model';
import { DotNetException } from './dotnetException';
import { convertHttpValue, dotnetTypeName } from './dotnetParse';
import { htmlEncodeMessage } from './htmlEncode';
import { findDangerousValue, requestValidationMessage } from './requestValidation';
import { DotNetDateTime, type Arguments } from './values';

/** Where the name/value pairs came from, as ASP.NET names the collection in its messages. */
export type FormSource = 'QueryString' | 'Form';

/**
 * A failure of ASMX's HTTP GET/POST parameter reader, before the method runs: the text of the
 * .NET exception, already HTML-encoded as ASMX writes it into its text/plain answer.
 */
export interface FormArgumentError {
  readonly code: 'P_REQUEST_VALIDATION' | 'P_MISSING_PARAMETER' | 'P_CONVERSION' | 'P_NULL_REFERENCE';
  readonly message: string;
}

/**
 * Reads an operation's arguments from query-string or form pairs as ASMX's
 * ValueCollectionParameterReader does, after ASP.NET's request validation of every value:
 * names match case-insensitively; a scalar sent twice is its values joined with `,`
 * (NameValueCollection's indexer); an array is every occurrence in order; parameters are read in
 * declaration order and the first one missing or not convertible fails the call. `optional` names
 * parameters the service lets clients leave out (they are null then).
 */
export function decodeFormArguments(
  operation: OperationModel,
  pairs: ReadonlyArray<readonly [name: string, value: string]>,
  source: FormSource,
  optional: ReadonlySet<string> = NO_OPTIONAL,
): { readonly args: Arguments } | { readonly error: FormArgumentError } {
  const dangerous = findDangerousValue(pairs as Array<[string, string]>);
  if (dangerous) {
    return {
      error: {
        code: 'P_REQUEST_VALIDATION',
        message: htmlEncodeMessage(
          `System.Web.HttpRequestValidationException: ${requestValidationMessage(source, dangerous.name, dangerous.value)}`,
        ),
      },
    };
  }
  const byName = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const values = byName.get(key);
    if (values) values.push(value);
    else byName.set(key, [value]);
  }
  const args: Record<string, unknown> = {};
  for (const param of operation.params) {
    const values = byName.get(param.name.toLowerCase());
    if (values === undefined && optional.has(param.name)) {
      args[param.name] = null;
      continue;
    }
    const read = readParameter(param, values);
    if ('error' in read) return read;
    args[param.name] = read.value;
  }
  return { args };
}

const NO_OPTIONAL: ReadonlySet<string> = new Set();

function readParameter(
  param: MemberModel,
  values: string[] | undefined,
): { readonly value: unknown } | { readonly error: FormArgumentError } {
  const type = param.type;
  // byte[] is an array over GET/POST too (one decimal byte per occurrence).
  const isBytes = type.kind === 'primitive' && type.name === 'base64Binary';
  if ((type.kind === 'array' || isBytes) && values === undefined) {
    // .NET's reader takes the length of GetValues(name) without a null check.
    return {
      error: {
        code: 'P_NULL_REFERENCE',
        message: 'System.NullReferenceException: Object reference not set to an instance of an object.',
      },
    };
  }
  if (type.kind === 'array' && values !== undefined) {
    const itemType = type.item.type;
    const items: unknown[] = [];
    for (const value of values) {
      if (itemType.kind !== 'primitive' && itemType.kind !== 'enum') return unsupported(param);
      const converted = convertOne(itemType.kind === 'enum' ? itemType : itemType.name, value);
      if ('error' in converted) return converted;
      items.push(converted.value);
    }
    // byte[] is read as one decimal byte per occurrence.
    if (itemType.kind === 'primitive' && itemType.name === 'unsignedByte') {
      return { value: Buffer.from(items as number[]) };
    }
    return { value: items };
  }
  if (values === undefined) {
    return {
      error: {
        code: 'P_MISSING_PARAMETER',
        message: htmlEncodeMessage(`System.InvalidOperationException: Missing parameter: ${param.name}.`),
      },
    };
  }
  if (type.kind !== 'primitive' && type.kind !== 'enum') return unsupported(param);
  if (isBytes) {
    const bytes: number[] = [];
    for (const value of values) {
      const converted = convertOne('unsignedByte', value);
      if ('error' in converted) return converted;
      bytes.push(converted.value as number);
    }
    return { value: Buffer.from(bytes) };
  }
  return convertOne(type.kind === 'enum' ? type : type.name, values.join(','));
}

function convertOne(
  type: PrimitiveName | EnumType,
  raw: string,
): { readonly value: unknown } | { readonly error: FormArgumentError } {
  try {
    const value = convertHttpValue(type, raw);
    return {
      value: value instanceof DotNetDateTime ? new DotNetDateTime(value.ticks, value.kind, raw) : value,
    };
  } catch (error) {
    if (!(error instanceof DotNetException)) throw error;
    // ScalarFormatter wraps the conversion failure in an ArgumentException for its `type` parameter.
    return {
      error: {
        code: 'P_CONVERSION',
        // Each exception's message is encoded, the " ---> " between them is not.
        message: `${htmlEncodeMessage(
          `System.ArgumentException: Cannot convert ${raw} to ${dotnetTypeName(type)}.\r\nParameter name: type`,
        )} ---> ${htmlEncodeMessage(error.toString())}`,
      },
    };
  }
}

function unsupported(param: MemberModel): { readonly error: FormArgumentError } {
  // The contract layer keeps such operations out of the HTTP bindings; reaching here is a WSDL
  // that binds a type ASMX's HTTP reader cannot read.
  return {
    error: {
      code: 'P_CONVERSION',
      message: `System.InvalidOperationException: Parameter ${param.name} cannot be read from a query string or form.`,
    },
  };
}
