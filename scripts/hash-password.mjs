#!/usr/bin/env node
// Prints the passwordHash entry for fixtures/users.json: node scripts/hash-password.mjs 'Secret123!'
import { randomBytes, scryptSync } from 'node:crypto';

const password = process.argv[2];
if (!password) {
  console.error("usage: node scripts/hash-password.mjs '<password>'");
  process.exit(2);
}
const [N, r, p] = [16384, 8, 1];
const salt = randomBytes(16);
const key = scryptSync(password, salt, 32, { N, r, p });
console.log(['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$'));
