/** A complete HTTP answer, computed without touching the socket. Adapters return these. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

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

/** ASMX's HTTP GET/POST handler reports protocol errors as a bare 500 text/plain message. */
export function plainTextError(error: { message: string }): HttpAnswer {
  return asmxAnswer(500, CONTENT_TYPES.text, error.message);
}
