import { readFileSync } from 'node:fs';
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { parsePasswordHash, verifyPassword, type ParsedHash } from './passwordHash';

const UserRecordSchema = z.object({
  userid: z.number().int(),
  username: z.string().min(1),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  passwordHash: z.string(),
  disabled: z.boolean().default(false),
  /** The system administrator account: CreateTicketforUser refuses it with [902]. */
  systemAdministrator: z.boolean().default(false),
});
const UsersFileSchema = z.object({ users: z.array(UserRecordSchema) });

export interface User {
  readonly userid: number;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly fullname: string;
  readonly email: string;
  readonly disabled: boolean;
  readonly systemAdministrator: boolean;
}

interface Entry {
  user: User;
  hash: ParsedHash;
}

/** The users the service knows, keyed case-insensitively by user name (ASMX's UID is case-insensitive). */
export class UserDirectory {
  private readonly byKey = new Map<string, Entry>();
  /** Verified against when the user does not exist, so a wrong name costs as long as a wrong password. */
  private readonly decoyHash: ParsedHash | undefined;

  constructor(records: ReadonlyArray<z.input<typeof UserRecordSchema>>) {
    for (const raw of records) {
      const record = UserRecordSchema.parse(raw);
      const user: User = {
        userid: record.userid,
        username: record.username,
        firstName: record.firstName,
        lastName: record.lastName,
        fullname: `${record.firstName} ${record.lastName}`.trim(),
        email: record.email,
        disabled: record.disabled,
        systemAdministrator: record.systemAdministrator,
      };
      this.byKey.set(UserDirectory.key(record.username), {
        user,
        hash: parsePasswordHash(record.passwordHash),
      });
    }
    this.decoyHash = (this.byKey.values().next().value as Entry | undefined)?.hash;
  }

  static fromFile(path: string): UserDirectory {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read users file ${path}: ${(error as Error).message}`);
    }
    const result = UsersFileSchema.safeParse(parsed);
    if (!result.success) {
      throw new Error(
        `users file ${path} is invalid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    return new UserDirectory(result.data.users);
  }

  static key(username: string): string {
    return username.toLowerCase();
  }

  /** The user with that name (any case), or undefined. */
  find(username: string): User | undefined {
    return this.byKey.get(UserDirectory.key(username))?.user;
  }

  /** The user with that name and password, enabled or not; undefined when either is wrong. */
  async verify(username: string, password: string): Promise<User | undefined> {
    const entry = this.byKey.get(UserDirectory.key(username));
    const hash = entry?.hash ?? this.decoyHash;
    if (!hash) return undefined;
    const matches = await verifyPassword(password, hash);
    return entry && matches ? entry.user : undefined;
  }
}

/** Compares two secrets in constant time regardless of their lengths. */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
