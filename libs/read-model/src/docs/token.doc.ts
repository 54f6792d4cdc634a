/** `doc('token', id)`. Active tokens are found by hash through lookups `token`, `refresh` and `code`. */
export interface TokenDoc {
  id: string;
  kind: 'bearer' | 'authorization_code';
  user_id: string;
  user_email: string;
  scopes: string[];
  description: string | null;
  token_last_four: string | null;
  refresh_token_last_four: string | null;
  expires_at: string | null;
  created_at: string;
  /** SHA-256 hashes (never plain values), kept so the look-ups can be removed when the token goes. */
  token_hash: string | null;
  refresh_token_hash: string | null;
  code_hash: string | null;
}

export const tokenLookups = { access: 'token', refresh: 'refresh', code: 'code' } as const;
