import type { PlainError } from '../errors/catalogue';

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

export function asmxAnswer(status: number, contentType: string, body: string): HttpAnswer {
  return { status, headers: { ...ASMX_HEADERS, 'Content-Type': contentType }, body };
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
