import { parseCookie } from 'cookie';

export const TICKET_COOKIE = 'ticket';

/**
 * The `ticket` cookie of a request. With several `ticket` cookies the first wins, as ASP.NET's
 * Request.Cookies reads them. Values are taken raw: ASP.NET does not URL-decode cookies.
 */
export function ticketCookie(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parseCookie(cookieHeader, { decode: (value) => value })[TICKET_COOKIE] || undefined;
}
