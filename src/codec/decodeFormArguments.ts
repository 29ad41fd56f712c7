import type { EnumType, MemberModel, OperationModel, PrimitiveName } from '../contract/model';
import { DotNetException, DotNetMessages, DotNetTypes } from './dotnetException';
import { convertHttpValue, httpConversionFailure, type ExceptionChain } from './dotnetParse';
import { DotNetDateTime, type Arguments } from './values';
import { internalize } from '../xml/internalize';

/**
 * A failure of ASMX's HTTP GET/POST parameter reader, before the method runs: the .NET exception
 * (with its inner exceptions) that the transport writes into its text/plain answer.
 */
export interface FormArgumentError {
  readonly code: 'P_MISSING_PARAMETER' | 'P_CONVERSION' | 'P_NULL_REFERENCE';
  readonly exception: ExceptionChain;
}

/**
 * Reads an operation's arguments from query-string or form pairs as ASMX's
 * ValueCollectionParameterReader does: names match case-insensitively; a scalar sent twice is its
 * values joined with `,` (NameValueCollection's indexer); an array is every occurrence in order;
 * parameters are read in declaration order and the first one missing or not convertible fails
 * the call. `optional` names parameters the service lets clients leave out (they are null then).
 */
export function decodeFormArguments(
  operation: OperationModel,
  pairs: ReadonlyArray<readonly [name: string, value: string]>,
  optional: ReadonlySet<string> = NO_OPTIONAL,
): { readonly args: Arguments } | { readonly error: FormArgumentError } {
  const byName = pairs.length > FEW_PAIRS ? groupByLowerCaseName(pairs) : undefined;
  const few = byName === undefined ? new FewPairs(pairs) : undefined;
  const args: Record<string, unknown> = {};
  const { names, lowerCaseNames } = parameterNames(operation);
  for (let i = 0; i < operation.params.length; i++) {
    const param = operation.params[i] as MemberModel;
    const name = names[i] as string;
    const lowerCaseName = lowerCaseNames[i] as string;
    const values = few ? few.valuesNamed(name, lowerCaseName) : byName?.get(lowerCaseName);
    if (values === undefined && optional.has(name)) {
      args[name] = null;
      continue;
    }
    const read = readParameter(param, values);
    if ('error' in read) return read;
    args[name] = read.value;
  }
  return { args };
}

const NO_OPTIONAL: ReadonlySet<string> = new Set();

/** Up to this many pairs, each parameter's values are looked for pair by pair, without grouping. */
const FEW_PAIRS = 8;

function groupByLowerCaseName(
  pairs: ReadonlyArray<readonly [name: string, value: string]>,
): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    const values = byName.get(key);
    if (values) values.push(value);
    else byName.set(key, [value]);
  }
  return byName;
}

/** A few pairs, read by name without grouping them (names match ignoring case). */
class FewPairs {
  /** The pair names lower-cased, once a name is not given exactly as the parameter's. */
  private lowerCaseNames: string[] | undefined;

  constructor(private readonly pairs: ReadonlyArray<readonly [name: string, value: string]>) {}

  /** The values of the pairs named `name` ignoring case, in order; undefined when none. */
  valuesNamed(name: string, lowerCaseName: string): string[] | undefined {
    const pairs = this.pairs;
    let values: string[] | undefined;
    for (let p = 0; p < pairs.length; p++) {
      const pair = pairs[p] as readonly [string, string];
      if (pair[0] === name || this.lowerCaseName(p) === lowerCaseName) {
        if (values === undefined) values = [pair[1]];
        else values.push(pair[1]);
      }
    }
    return values;
  }

  private lowerCaseName(p: number): string {
    this.lowerCaseNames ??= this.pairs.map(([name]) => name.toLowerCase());
    return this.lowerCaseNames[p] as string;
  }
}

/**
 * Each operation's parameter names, internalized (the keys of every call's arguments), and
 * lower-cased (names match case-insensitively), made once.
 */
const PARAMETER_NAMES = new WeakMap<
  OperationModel,
  { readonly names: readonly string[]; readonly lowerCaseNames: readonly string[] }
>();

function parameterNames(operation: OperationModel): {
  readonly names: readonly string[];
  readonly lowerCaseNames: readonly string[];
} {
  let names = PARAMETER_NAMES.get(operation);
  if (names === undefined) {
    names = {
      names: operation.params.map((param) => internalize(param.name)),
      lowerCaseNames: operation.params.map((param) => internalize(param.name.toLowerCase())),
    };
    PARAMETER_NAMES.set(operation, names);
  }
  return names;
}

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
        exception: [{ type: DotNetTypes.nullReference, message: DotNetMessages.nullReference }],
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
        exception: [
          { type: DotNetTypes.invalidOperation, message: DotNetMessages.missingParameter(param.name) },
        ],
      },
    };
  }
  if (type.kind !== 'primitive' && type.kind !== 'enum') return unsupported(param);
  // A string converts to itself (convertHttpValue's own answer), without the conversion machinery.
  if (type.kind === 'primitive' && type.name === 'string') {
    return { value: values.length === 1 ? values[0] : values.join(',') };
  }
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
    return { error: { code: 'P_CONVERSION', exception: httpConversionFailure(type, raw, error) } };
  }
}

function unsupported(param: MemberModel): { readonly error: FormArgumentError } {
  // The contract layer keeps such operations out of the HTTP bindings; reaching here is a WSDL
  // that binds a type ASMX's HTTP reader cannot read.
  return {
    error: {
      code: 'P_CONVERSION',
      exception: [
        {
          type: DotNetTypes.invalidOperation,
          message: `Parameter ${param.name} cannot be read from a query string or form.`,
        },
      ],
    },
  };
}
