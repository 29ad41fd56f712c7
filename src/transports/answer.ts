import type { OutgoingHttpHeaders } from 'node:http';
import type { OperationModel } from '../contract/model';
import type { PlainError } from '../errors/catalogue';
import { isConstantOutcome, type CallOutcome } from '../services/callOutcome';

/** A complete HTTP answer, computed without touching the socket. Adapters return these. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string;
  /** For logs and metrics: `success`, a domain error code (E901...) or a protocol error code (P_...). */
  readonly outcome?: string;
}

/** ASMX's Cache-Control for answers made before the method ran (request reading, parameter conversion). */
export const PRE_INVOKE_CACHE_CONTROL = 'private';

/** Headers ASMX puts on every operation response. */
const ASMX_HEADERS = {
  'Cache-Control': 'private, max-age=0',
  'X-AspNet-Version': '4.0.30319',
} as const;

export const CONTENT_TYPES = {
  xml: 'text/xml; charset=utf-8',
  soap12: 'application/soap+xml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
} as const;

/**
 * The ASMX headers with each Content-Type, made once and shared by every answer (answers never
 * change their headers: whoever adds one makes a new object).
 */
const ASMX_HEADERS_BY_TYPE = new Map<string, HttpAnswer['headers']>();

function asmxHeaders(contentType: string): HttpAnswer['headers'] {
  let headers = ASMX_HEADERS_BY_TYPE.get(contentType);
  if (headers === undefined) {
    headers = Object.freeze({ ...ASMX_HEADERS, 'Content-Type': contentType });
    // Only the few constant types are passed here; the bound is a guard, not a cache policy.
    if (ASMX_HEADERS_BY_TYPE.size < 64) {
      ASMX_HEADERS_BY_TYPE.set(contentType, headers);
      SIZED_HEADERS.set(headers, new Map());
    }
  }
  return headers;
}

/**
 * The shared ASMX headers with each Content-Length they went out with: an operation's answers
 * are mostly of a few sizes (one, for a [901]), so the object node:http reads is made once per
 * size instead of per answer. Bounded per headers object.
 */
const SIZED_HEADERS = new WeakMap<HttpAnswer['headers'], Map<number, OutgoingHttpHeaders>>();
const SIZES_KEPT = 64;

function headersWithLength(headers: HttpAnswer['headers'], length: number): OutgoingHttpHeaders {
  const bySize = SIZED_HEADERS.get(headers);
  if (bySize === undefined) return { ...headers, 'Content-Length': length } as OutgoingHttpHeaders;
  let sized = bySize.get(length);
  if (sized === undefined) {
    sized = Object.freeze({ ...headers, 'Content-Length': length }) as OutgoingHttpHeaders;
    if (bySize.size >= SIZES_KEPT) bySize.clear();
    bySize.set(length, sized);
  }
  return sized;
}

/** An answer with ASMX's headers; `outcome` for logs and metrics when it is an operation's. */
export function asmxAnswer(status: number, contentType: string, body: string, outcome?: string): HttpAnswer {
  const headers = asmxHeaders(contentType);
  return outcome === undefined ? { status, headers, body } : { status, headers, body, outcome };
}

/**
 * An answer as it goes out: its headers with Content-Length, and the body: the bytes of a kept
 * answer, else the text (node:http writes it after the head in the same write, UTF-8, without
 * a Buffer made here first).
 */
export interface WireAnswer {
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer | string;
}

/** The wire form of answers that are sent again and again (see {@link ConstantAnswers}). */
const WIRE_ANSWERS = new WeakMap<HttpAnswer, WireAnswer>();

/** What to write for an answer: made once for a kept answer, else now. */
export function wireAnswer(answer: HttpAnswer): WireAnswer {
  const kept = WIRE_ANSWERS.get(answer);
  if (kept !== undefined) return kept;
  const body = answer.body;
  return { headers: headersWithLength(answer.headers, Buffer.byteLength(body, 'utf8')), body };
}

function keptWire(answer: HttpAnswer): WireAnswer {
  const body = Buffer.from(answer.body, 'utf8');
  return { headers: headersWithLength(answer.headers, body.length), body };
}

/**
 * The answers of constant outcomes (see `constantOutcome`), per operation, for one transport:
 * encoded the first time, then the same object, with its wire form made once. A [901] LogOut
 * costs no encoding, no header object and no UTF-8 conversion.
 */
export class ConstantAnswers {
  private readonly byOperation = new WeakMap<OperationModel, WeakMap<CallOutcome, HttpAnswer>>();

  /** The kept answer of a constant outcome; undefined for any other outcome, or the first time. */
  get(operation: OperationModel, outcome: CallOutcome): HttpAnswer | undefined {
    return isConstantOutcome(outcome) ? this.byOperation.get(operation)?.get(outcome) : undefined;
  }

  /** Keeps the answer of a constant outcome (others are not kept); returns the answer to send. */
  keep(operation: OperationModel, outcome: CallOutcome, answer: HttpAnswer): HttpAnswer {
    if (!isConstantOutcome(outcome)) return answer;
    let answers = this.byOperation.get(operation);
    if (answers === undefined) this.byOperation.set(operation, (answers = new WeakMap()));
    const kept = Object.freeze(answer);
    WIRE_ANSWERS.set(kept, keptWire(kept));
    answers.set(outcome, kept);
    return kept;
  }
}

/** A refusal outside SOAP: a bare text/plain message (or, where ASMX sends none, no body at all). */
export function plainError(error: PlainError): HttpAnswer {
  if (error.httpLayer) {
    // http.sys and IIS answer these before ASP.NET runs: none of its headers.
    return {
      status: error.status,
      headers: { 'Content-Type': CONTENT_TYPES.text, ...error.headers },
      body: error.message,
      outcome: error.code,
    };
  }
  const answer = asmxAnswer(
    error.status,
    error.emptyBody ? CONTENT_TYPES.xml : CONTENT_TYPES.text,
    error.message,
  );
  const cacheControl: Record<string, string> = error.preInvoke
    ? { 'Cache-Control': PRE_INVOKE_CACHE_CONTROL }
    : {};
  return {
    ...answer,
    outcome: error.code,
    headers: { ...answer.headers, ...cacheControl, ...error.headers },
  };
}

/** The outcome code of an operation's result, for logs and metrics. */
export function outcomeCode(outcome: {
  readonly ok: boolean;
  readonly error?: { readonly code: string };
}): string {
  return outcome.ok ? 'success' : (outcome.error?.code ?? 'error');
}
