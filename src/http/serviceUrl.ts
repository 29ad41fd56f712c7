import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

// A Host header is a name or IP literal with an optional port; anything else is not echoed back.
const VALID_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

function firstHeaderValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.split(',')[0]?.trim() || undefined;
}

/** `https` when the request came over TLS (or, behind a trusted proxy, says it did). */
export function requestScheme(req: IncomingMessage, trustProxy: boolean): 'http' | 'https' {
  if (trustProxy) {
    const forwarded = firstHeaderValue(req.headers['x-forwarded-proto'])?.toLowerCase();
    if (forwarded === 'http' || forwarded === 'https') return forwarded;
  }
  return (req.socket as TLSSocket).encrypted ? 'https' : 'http';
}

/**
 * The absolute URL of the service as the client reached it, for the WSDL and disco addresses.
 * X-Forwarded-Proto/-Host are honoured only when the emulator is configured as behind a proxy.
 */
export function serviceUrl(req: IncomingMessage, trustProxy: boolean, servicePath: string): string {
  const scheme = requestScheme(req, trustProxy);
  let host = firstHeaderValue(req.headers.host);
  if (trustProxy) host = firstHeaderValue(req.headers['x-forwarded-host']) ?? host;
  if (!host || !VALID_HOST.test(host)) {
    const address = req.socket.localAddress ?? '127.0.0.1';
    host = `${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort ?? 80}`;
  }
  return `${scheme}://${host}${servicePath}`;
}
