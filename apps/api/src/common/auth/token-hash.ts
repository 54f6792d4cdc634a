import { createHash, randomBytes } from 'node:crypto';

/** Tokens, refresh tokens and codes are stored only as SHA-256 hashes (DESIGN.md §7). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** `bytes` random bytes as hex: 32 for access tokens, 64 for refresh tokens, 6 for codes (§8). */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
