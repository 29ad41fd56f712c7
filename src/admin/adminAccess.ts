import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** What the access rule decides for one admin call. */
export type AdminAccess = 'allowed' | 'off' | 'unauthorized';

/** True for 127.0.0.0/8, ::1, ::ffff:127.x.x.x and `localhost`: addresses only this machine reaches. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const host = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * The admin API's access rule. With a token set, every call must carry `Authorization: Bearer
 * <token>` (compared in constant time: both sides are hashed to 32 bytes first, so neither the
 * content nor the length of the token leaks through timing). Without one, the API answers only
 * when the server listens on a loopback address; otherwise it is off (answers as an unknown path).
 */
export function adminAccess(
  token: string,
  listeningAddress: string | undefined,
  authorization: string | undefined,
): AdminAccess {
  if (token === '') return isLoopbackAddress(listeningAddress) ? 'allowed' : 'off';
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  const given = match?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token)) && given !== '' ? 'allowed' : 'unauthorized';
}
