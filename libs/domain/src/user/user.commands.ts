import type { Command } from '../shared/decider';
import type { RoleName } from './user.events';

export type CreateUser = Command<'CreateUser', { id: string; email: string; name: string | null; external_id: string | null; roles: RoleName[] }>;
export type InviteUser = Command<'InviteUser', { id: string; email: string; name: string | null; external_id: string | null; invite_code_hash: string }>;
export type AddUserRole = Command<'AddUserRole', { role: string }>;
/** `lastMasterAdmin`: whether this user is the only master_admin left, read by the caller from the users read model. */
export type RemoveUserRole = Command<'RemoveUserRole', { role: string; lastMasterAdmin: boolean }>;
/** `by`: the email of the user asking; nobody removes themselves (kontena-behaviour.md §1). */
export type RemoveUser = Command<'RemoveUser', { by: string }>;
/** The auth provider vouched for this user (`/cb`); `name` is the provider's username. */
export type LinkExternalIdentity = Command<'LinkExternalIdentity', { external_id: string | null; name: string | null }>;
export type ForgetExternalIdentity = Command<'ForgetExternalIdentity', Record<string, never>>;

export type UserCommand = CreateUser | InviteUser | AddUserRole | RemoveUserRole | RemoveUser | LinkExternalIdentity | ForgetExternalIdentity;
