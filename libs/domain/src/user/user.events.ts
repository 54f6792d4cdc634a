import type { DomainEvent } from '../shared/decider';

/** kontena-behaviour.md §8: the three roles, with Kontena's descriptions. */
export const ROLES = {
  master_admin: 'Master admin',
  grid_admin: 'Grid admin',
  user_admin: 'Invite and remove users',
} as const;
export type RoleName = keyof typeof ROLES;

export function isRoleName(role: string): role is RoleName {
  return Object.prototype.hasOwnProperty.call(ROLES, role);
}

/** The local admin: always master_admin, and cannot log in through an external provider (§8). */
export const LOCAL_ADMIN_EMAIL = 'admin';

export type UserCreated = DomainEvent<'UserCreated', { id: string; email: string; name: string | null; external_id: string | null; roles: RoleName[] }>;
/**
 * An invite creates the user if needed and (re)issues its code; the code is stored hashed and spent by the
 * first external sign-in (kontena-behaviour.md §8 invites).
 */
export type UserInvited = DomainEvent<'UserInvited', { id: string; email: string; name: string | null; external_id: string | null; invite_code_hash: string }>;
export type UserRoleAdded = DomainEvent<'UserRoleAdded', { role: RoleName }>;
export type UserRoleRemoved = DomainEvent<'UserRoleRemoved', { role: RoleName }>;
/**
 * The user signed in through the auth provider (`/cb`): the provider's id is linked, the name filled in if
 * the user had none, and a pending invite code is spent (§8). A provider that names no id links none.
 */
export type UserIdentityLinked = DomainEvent<'UserIdentityLinked', { external_id: string | null; name: string | null }>;
/** The auth provider changed, so the link to its old identity no longer means anything (§8 config). */
export type UserIdentityForgotten = DomainEvent<'UserIdentityForgotten', { external_id: string }>;
export type UserRemoved = DomainEvent<'UserRemoved', { email: string }>;

export type UserEvent = UserCreated | UserInvited | UserRoleAdded | UserRoleRemoved | UserIdentityLinked | UserIdentityForgotten | UserRemoved;
