import { assertNever, Decider, Decision } from '../shared/decider';
import { Forbidden, NotFound, ValidationFailed } from '../shared/domain-error';
import type { UserCommand } from './user.commands';
import { isRoleName, LOCAL_ADMIN_EMAIL, RoleName, UserEvent } from './user.events';

export type UserState =
  | { status: 'absent' }
  | {
      status: 'active';
      id: string;
      email: string;
      name: string | null;
      external_id: string | null;
      roles: readonly RoleName[];
      /** The hash of the pending invite code; `null` once spent or when never invited. */
      invite_code_hash: string | null;
    }
  | { status: 'removed'; id: string };

const initialState: UserState = { status: 'absent' };

function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserCreated':
      return { status: 'active', ...event.data, invite_code_hash: null };
    case 'UserInvited':
      return state.status === 'active' ? { ...state, invite_code_hash: event.data.invite_code_hash } : { status: 'active', ...event.data, roles: [] };
    case 'UserRoleAdded':
      return state.status === 'active' ? { ...state, roles: [...state.roles, event.data.role] } : state;
    case 'UserRoleRemoved':
      return state.status === 'active' ? { ...state, roles: state.roles.filter((r) => r !== event.data.role) } : state;
    case 'UserIdentityLinked':
      return state.status === 'active' ? { ...state, external_id: event.data.external_id, name: event.data.name, invite_code_hash: null } : state;
    case 'UserIdentityForgotten':
      return state.status === 'active' ? { ...state, external_id: null } : state;
    case 'UserRemoved':
      return state.status === 'active' ? { status: 'removed', id: state.id } : state;
    default:
      return assertNever(event, 'user event');
  }
}

function decide(command: UserCommand, state: UserState): Decision<UserEvent> {
  switch (command.type) {
    case 'CreateUser':
      if (state.status === 'active') return ValidationFailed.of('email', 'is already taken');
      return [{ type: 'UserCreated', data: command.data }];
    case 'InviteUser': {
      if (command.data.email === LOCAL_ADMIN_EMAIL) return ValidationFailed.of('email', "Email isn't in the right format");
      if (state.status !== 'active') return [{ type: 'UserInvited', data: command.data }];
      // Re-inviting an existing user only issues a new code (kontena-behaviour.md §8: "creates/updates user").
      const { id, email, name, external_id } = state;
      return [{ type: 'UserInvited', data: { id, email, name, external_id, invite_code_hash: command.data.invite_code_hash } }];
    }
    default:
      break;
  }
  if (state.status !== 'active') return new NotFound('User not found');

  switch (command.type) {
    case 'AddUserRole':
      if (!isRoleName(command.data.role)) return ValidationFailed.of('role', `Role '${command.data.role}' not found`);
      return state.roles.includes(command.data.role) ? [] : [{ type: 'UserRoleAdded', data: { role: command.data.role } }];
    case 'RemoveUserRole': {
      const { role, lastMasterAdmin } = command.data;
      if (!isRoleName(role)) return ValidationFailed.of('role', `Role '${role}' not found`);
      if (!state.roles.includes(role)) return [];
      if (role === 'master_admin' && state.email === LOCAL_ADMIN_EMAIL) return ValidationFailed.of('role', 'Cannot remove master_admin role from the local admin');
      // Kontena's message (mutations/users/remove_role.rb).
      if (role === 'master_admin' && lastMasterAdmin) return ValidationFailed.of('role', 'Not allowed to remove last user from Master admin role');
      return [{ type: 'UserRoleRemoved', data: { role } }];
    }
    case 'RemoveUser':
      // Kontena's message (mutations/users/remove.rb); the route answers these with 400.
      if (command.data.by === state.email) return ValidationFailed.of('user', 'Cannot remove itself');
      if (state.email === LOCAL_ADMIN_EMAIL) return ValidationFailed.of('user', 'Cannot remove the local admin');
      return [{ type: 'UserRemoved', data: { email: state.email } }];
    case 'LinkExternalIdentity': {
      // The local admin never signs in through the provider (kontena-behaviour.md §8, callback_api.rb).
      if (state.email === LOCAL_ADMIN_EMAIL) return new Forbidden();
      const name = state.name ?? command.data.name;
      const unchanged = state.external_id === command.data.external_id && state.name === name && state.invite_code_hash === null;
      return unchanged ? [] : [{ type: 'UserIdentityLinked', data: { external_id: command.data.external_id, name } }];
    }
    case 'ForgetExternalIdentity':
      return state.external_id === null ? [] : [{ type: 'UserIdentityForgotten', data: { external_id: state.external_id } }];
    default:
      return assertNever(command, 'user command');
  }
}

export const userDecider: Decider<UserState, UserCommand, UserEvent> = { initialState, evolve, decide };
