import type { TicketInfo } from '../TicketStore';

/**
 * A ticket's value on Redis holds its expiry instant, on the emulator's clock:
 * `<userKey>|<expiresAtMs>`. The instant is what decides whether the ticket is alive, so moving
 * the emulator's clock (the admin API) expires Redis tickets as it expires the memory store's;
 * the key's TTL (one window of real time, restarted with the window) only collects the garbage.
 *
 * A value without the suffix (written before the instant was stored) is the bare user key: its
 * key's TTL still tells its expiry, and its next renewal rewrites it in this form.
 */
export function encodeTicket(userKey: string, expiresAt: number): string {
  return `${userKey}|${Math.round(expiresAt)}`;
}

const ENCODED = /^([^]*)\|(\d{1,16})$/;

/**
 * The live ticket a stored value tells at `now`, or undefined when it is absent or expired.
 * `remainingMs` is the key's PTTL, used only for a value without its instant (undefined: the
 * key existed, so it was alive).
 */
export function decodeTicket(
  value: string | null | undefined,
  now: number,
  remainingMs?: number,
): TicketInfo | undefined {
  if (value === null || value === undefined) return undefined;
  const match = ENCODED.exec(value);
  if (match) {
    const expiresAt = Number(match[2]);
    return expiresAt > now ? { userKey: match[1] as string, expiresAt } : undefined;
  }
  if (remainingMs === undefined) return { userKey: value, expiresAt: now };
  return remainingMs > 0 ? { userKey: value, expiresAt: now + remainingMs } : undefined;
}

/**
 * Sliding renewal, atomic: reads the ticket, and when its instant is still ahead of "now" (given
 * by the emulator, `ARGV[1]`) rewrites it with the new instant (`ARGV[3]`, `now + window`) and a
 * fresh garbage-collection TTL (`ARGV[2]` ms). An expired ticket is deleted, as the memory store
 * drops a stale entry it meets. Returns the user key, or nil. The key is declared (Cluster).
 */
export const TOUCH_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if not value then return false end
local user, expires = string.match(value, '^(.*)|(%d+)$')
if not user then
  user = value
elseif tonumber(expires) <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return false
end
redis.call('SET', KEYS[1], user .. '|' .. ARGV[3], 'PX', ARGV[2])
return user
`;

/** The arguments of {@link TOUCH_SCRIPT} for one key: `EVAL script 1 key now window renewedAt`. */
export function touchArguments(key: string, now: number, ttlMs: number): (string | number)[] {
  return [TOUCH_SCRIPT, 1, key, Math.round(now), ttlMs, String(Math.round(now + ttlMs))];
}
