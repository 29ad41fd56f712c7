import { TextDecoder } from 'node:util';
/**
 * Character encodings a request may declare. ASMX decodes a body with the charset of its
 * Content-Type; anything the emulator is given is either decoded correctly or refused, never guessed.
 */
const SUPPORTED = new Map<string, string>([
  ['utf-8', 'utf-8'],
  ['utf8', 'utf-8'],
  ['utf-16', 'utf-16le'],
  ['utf-16le', 'utf-16le'],
  ['utf-16be', 'utf-16be'],
  ['unicode', 'utf-16le'],
  ['iso-8859-1', 'latin1'],
  ['latin1', 'latin1'],
  ['windows-1252', 'windows-1252'],
  // ASCII is a subset of UTF-8: a strict UTF-8 decode keeps ASCII bodies exact and refuses
  // stray high bytes instead of turning them into '?'.
  ['us-ascii', 'utf-8'],
  ['ascii', 'utf-8'],
]);

/** Decoders are built once per encoding: a non-streaming decode keeps no state between calls. */
const decoders = new Map<string, TextDecoder>();

type DecoderOrRefusal = TextDecoder | { readonly unsupported: string };

/** What {@link textDecoderFor} answered for each charset as given, strict and lenient. Bounded. */
const byCharset = {
  strict: new Map<string, DecoderOrRefusal>(),
  lenient: new Map<string, DecoderOrRefusal>(),
};

/** A decoder for a declared charset (UTF-8 when none), or the label that is not supported. */
export function textDecoderFor(charset: string | undefined, fatal: boolean): DecoderOrRefusal {
  // Clients send the same charset over and over: the answer for it is looked up, not worked out.
  const known = fatal ? byCharset.strict : byCharset.lenient;
  const key = charset ?? '';
  let answer = known.get(key);
  if (answer === undefined) {
    answer = resolveDecoder(charset, fatal);
    if (known.size >= 64) known.clear();
    known.set(key, answer);
  }
  return answer;
}

function resolveDecoder(charset: string | undefined, fatal: boolean): DecoderOrRefusal {
  const label = charset?.trim().toLowerCase() || 'utf-8';
  const encoding = SUPPORTED.get(label);
  if (!encoding) return Object.freeze({ unsupported: label });
  const key = `${encoding}:${fatal}`;
  let decoder = decoders.get(key);
  if (!decoder) decoders.set(key, (decoder = new TextDecoder(encoding, { fatal })));
  return decoder;
}

/** Byte-order marks identify UTF-8 and UTF-16 by themselves (XML 1.0, appendix F). */
function sniffBom(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return undefined;
}

export type DecodedText =
  { readonly text: string } | { readonly unsupported: string } | { readonly invalid: string };

/**
 * Decodes an XML request body: the Content-Type charset wins; without one a byte-order mark
 * decides, then UTF-8. Bytes that are invalid in that encoding are an error, never replaced.
 */
export function decodeXmlBody(body: Buffer, charset: string | undefined): DecodedText {
  const label = charset?.trim().toLowerCase() || sniffBom(body) || 'utf-8';
  const decoder = textDecoderFor(label, true);
  if ('unsupported' in decoder) return decoder;
  try {
    return { text: decoder.decode(body) };
  } catch {
    return { invalid: label };
  }
}
