import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes are stored as `scrypt$N$r$p$<salt base64>$<hash base64>` so the cost can be
 * raised later without invalidating existing entries.
 */
const PREFIX = 'scrypt';
const DEFAULT_COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scryptAsync(
  password: string,
  salt: Buffer,
  keyLength: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, DEFAULT_COST);
  const { N, r, p } = DEFAULT_COST;
  return [PREFIX, N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export interface ParsedHash {
  cost: { N: number; r: number; p: number };
  salt: Buffer;
  key: Buffer;
}

/** Throws on a malformed entry so a broken users file stops the start instead of locking people out. */
export function parsePasswordHash(encoded: string): ParsedHash {
  const parts = encoded.split('$');
  const [prefix, n, r, p, salt, key] = parts;
  if (parts.length !== 6 || prefix !== PREFIX || !salt || !key) {
    throw new Error('password hash must look like scrypt$N$r$p$salt$hash');
  }
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (![cost.N, cost.r, cost.p].every((v) => Number.isInteger(v) && v > 0)) {
    throw new Error('password hash has an invalid scrypt cost');
  }
  return { cost, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

/** Compares in constant time with respect to the stored hash. */
export async function verifyPassword(password: string, stored: ParsedHash): Promise<boolean> {
  const candidate = await scryptAsync(password, stored.salt, stored.key.length, {
    ...stored.cost,
    maxmem: 256 * stored.cost.N * stored.cost.r,
  });
  return timingSafeEqual(candidate, stored.key);
}
