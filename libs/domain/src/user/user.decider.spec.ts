import { deciderSpecification, testContext } from '@libs/testing';
import { Forbidden, NotFound, ValidationFailed } from '../shared/domain-error';
import type { InviteUser } from './user.commands';
import { userDecider } from './user.decider';
import type { UserCreated, UserEvent, UserInvited } from './user.events';

const spec = deciderSpecification(userDecider, testContext);
const alice: UserCreated = { type: 'UserCreated', data: { id: 'u1', email: 'alice@example.com', name: null, external_id: null, roles: [] } };
const admin: UserCreated = { type: 'UserCreated', data: { id: 'u0', email: 'admin', name: 'admin', external_id: null, roles: ['master_admin'] } };
const invite: InviteUser = { type: 'InviteUser', data: { id: 'u2', email: 'bob@example.com', name: 'bob', external_id: null, invite_code_hash: 'h1' } };
const invited: UserInvited = { type: 'UserInvited', data: invite.data };
const removed: UserEvent = { type: 'UserRemoved', data: { email: 'alice@example.com' } };

describe('user decider', () => {
  describe('create', () => {
    it('creates a user', () => {
      spec.given([]).when({ type: 'CreateUser', data: alice.data }).then([alice]);
    });

    it('refuses an email that is taken, and allows it again once the user is removed', () => {
      spec.given([alice]).when({ type: 'CreateUser', data: alice.data }).thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ email: 'is already taken' }));
      spec.given([alice, removed]).when({ type: 'CreateUser', data: alice.data }).then([alice]);
    });
  });

  describe('invite', () => {
    it('creates an unknown user with the invite code', () => {
      spec.given([]).when(invite).then([invited]);
    });

    it('gives an existing user a new code and keeps who they are', () => {
      spec
        .given([alice])
        .when({ type: 'InviteUser', data: { id: 'other', email: 'alice@example.com', name: 'someone', external_id: 'x', invite_code_hash: 'h2' } })
        .then([{ type: 'UserInvited', data: { id: 'u1', email: 'alice@example.com', name: null, external_id: null, invite_code_hash: 'h2' } }]);
    });

    it('never invites the local admin', () => {
      spec.given([admin]).when({ type: 'InviteUser', data: { ...invite.data, email: 'admin' } }).thenFails(ValidationFailed);
    });
  });

  describe('roles', () => {
    it('adds a role once', () => {
      spec.given([alice]).when({ type: 'AddUserRole', data: { role: 'grid_admin' } }).then([{ type: 'UserRoleAdded', data: { role: 'grid_admin' } }]);
      spec.given([alice, { type: 'UserRoleAdded', data: { role: 'grid_admin' } }]).when({ type: 'AddUserRole', data: { role: 'grid_admin' } }).then([]);
    });

    it("refuses a role that does not exist, with Kontena's message", () => {
      for (const type of ['AddUserRole', 'RemoveUserRole'] as const) {
        spec
          .given([alice])
          .when(type === 'AddUserRole' ? { type, data: { role: 'foo_admin' } } : { type, data: { role: 'foo_admin', lastMasterAdmin: false } })
          .thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ role: "Role 'foo_admin' not found" }));
      }
    });

    it('removes a role the user has, and changes nothing for one they do not', () => {
      const withRole: UserEvent[] = [alice, { type: 'UserRoleAdded', data: { role: 'user_admin' } }];
      spec.given(withRole).when({ type: 'RemoveUserRole', data: { role: 'user_admin', lastMasterAdmin: false } }).then([{ type: 'UserRoleRemoved', data: { role: 'user_admin' } }]);
      spec.given([alice]).when({ type: 'RemoveUserRole', data: { role: 'user_admin', lastMasterAdmin: false } }).then([]);
    });

    it('never removes the last master_admin', () => {
      spec
        .given([alice, { type: 'UserRoleAdded', data: { role: 'master_admin' } }])
        .when({ type: 'RemoveUserRole', data: { role: 'master_admin', lastMasterAdmin: true } })
        .thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ role: 'Not allowed to remove last user from Master admin role' }));
      spec
        .given([alice, { type: 'UserRoleAdded', data: { role: 'master_admin' } }])
        .when({ type: 'RemoveUserRole', data: { role: 'master_admin', lastMasterAdmin: false } })
        .then([{ type: 'UserRoleRemoved', data: { role: 'master_admin' } }]);
    });

    it('keeps the local admin a master_admin', () => {
      spec.given([admin]).when({ type: 'RemoveUserRole', data: { role: 'master_admin', lastMasterAdmin: false } }).thenFails(ValidationFailed, (e) =>
        expect(e.errors).toEqual({ role: 'Cannot remove master_admin role from the local admin' }),
      );
    });
  });

  describe('remove', () => {
    it('removes another user', () => {
      spec.given([alice]).when({ type: 'RemoveUser', data: { by: 'admin' } }).then([removed]);
    });

    it("refuses to remove oneself or the local admin, with Kontena's message for self", () => {
      spec.given([alice]).when({ type: 'RemoveUser', data: { by: 'alice@example.com' } }).thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ user: 'Cannot remove itself' }));
      spec.given([admin]).when({ type: 'RemoveUser', data: { by: 'alice@example.com' } }).thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ user: 'Cannot remove the local admin' }));
    });
  });

  describe('external identity', () => {
    it('links the provider identity, fills in a missing name and spends the invite', () => {
      spec
        .given([invited])
        .when({ type: 'LinkExternalIdentity', data: { external_id: '12345', name: 'bobby' } })
        .then([{ type: 'UserIdentityLinked', data: { external_id: '12345', name: 'bob' } }]);
      spec
        .given([alice])
        .when({ type: 'LinkExternalIdentity', data: { external_id: '12345', name: 'alice' } })
        .then([{ type: 'UserIdentityLinked', data: { external_id: '12345', name: 'alice' } }]);
    });

    it('records nothing when a linked user signs in again', () => {
      const linked: UserEvent = { type: 'UserIdentityLinked', data: { external_id: '1', name: 'alice' } };
      spec.given([alice, linked]).when({ type: 'LinkExternalIdentity', data: { external_id: '1', name: 'other' } }).then([]);
    });

    it('a spent invite code is gone from the state', () => {
      const state = [invited, { type: 'UserIdentityLinked', data: { external_id: '1', name: 'bob' } } as UserEvent].reduce(userDecider.evolve, userDecider.initialState);
      expect(state).toMatchObject({ status: 'active', invite_code_hash: null, external_id: '1' });
    });

    it('never links the local admin', () => {
      spec.given([admin]).when({ type: 'LinkExternalIdentity', data: { external_id: '1', name: null } }).thenFails(Forbidden);
    });

    it('forgets a linked identity, and does nothing for a user without one', () => {
      spec
        .given([alice, { type: 'UserIdentityLinked', data: { external_id: '1', name: 'alice' } }])
        .when({ type: 'ForgetExternalIdentity', data: {} })
        .then([{ type: 'UserIdentityForgotten', data: { external_id: '1' } }]);
      spec.given([alice]).when({ type: 'ForgetExternalIdentity', data: {} }).then([]);
    });
  });

  it('answers "User not found" to every command on an unknown or removed user', () => {
    const commands = [
      { type: 'AddUserRole', data: { role: 'grid_admin' } },
      { type: 'RemoveUserRole', data: { role: 'grid_admin', lastMasterAdmin: false } },
      { type: 'RemoveUser', data: { by: 'admin' } },
      { type: 'LinkExternalIdentity', data: { external_id: '1', name: null } },
      { type: 'ForgetExternalIdentity', data: {} },
    ] as const;
    for (const command of commands) {
      for (const history of [[], [alice, removed]]) {
        spec.given(history).when(command).thenFails(NotFound, (e) => expect(e.message).toBe('User not found'));
      }
    }
  });
});
