import type { RoleName } from '@libs/domain';

/** `doc('user', email)`; listed in index `users`; grids in `user:<email>:grids`, tokens in `user:<email>:tokens`. */
export interface UserDoc {
  id: string;
  email: string;
  name: string | null;
  external_id: string | null;
  roles: RoleName[];
  /** SHA-256 of the pending invite code (never the code), kept so its look-up can be removed once spent. */
  invite_code_hash: string | null;
  created_at: string;
  updated_at: string;
}

export const userIndexes = {
  all: 'users',
  grids: (email: string) => `user:${email}:grids`,
  tokens: (email: string) => `user:${email}:tokens`,
  /** Emails of master_admins, so "cannot remove the last master_admin" needs no scan. */
  masterAdmins: 'users:master_admin',
};

/** Look-ups to a user's email: a pending invite by `sha256(code)`, a signed-in user by the provider's id. */
export const userLookups = { invite: 'invite', externalId: 'externalid' } as const;
