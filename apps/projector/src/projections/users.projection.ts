import type { UserEvent } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import { Projection, ReadModelOp, ReadModelReader, UserDoc, userIndexes, userLookups } from '@libs/read-model';
import { occurredAt, ops } from './projection-helpers';

/**
 * Users by email, the user list, master_admins (for "last master_admin"), pending invites by code hash and
 * signed-in users by the provider's id (the `/authenticate` and `/cb` look-ups).
 */
export const usersProjection: Projection = {
  name: 'users',
  async project(envelope: RecordedEnvelope, reader: ReadModelReader): Promise<ReadModelOp[]> {
    if (!envelope.streamName.startsWith('user-')) return [];
    const event = envelope.event as UserEvent;
    const email = envelope.streamName.slice('user-'.length);
    const o = ops(reader.keys);
    const at = occurredAt(envelope);
    const current = await reader.doc<UserDoc>('user', email);
    const dropInvite = current?.invite_code_hash ? [o.unlink(userLookups.invite, current.invite_code_hash)] : [];
    // Only this user's own link goes: the provider id may since have been linked to someone else.
    const ownsExternalId = current?.external_id ? (await reader.lookup(userLookups.externalId, current.external_id)) === email : false;
    const dropExternalId = current?.external_id && ownsExternalId ? [o.unlink(userLookups.externalId, current.external_id)] : [];

    switch (event.type) {
      case 'UserCreated': {
        const doc: UserDoc = { ...event.data, invite_code_hash: null, created_at: at, updated_at: at };
        return [
          o.putDoc('user', email, doc),
          o.index(userIndexes.all, email),
          ...(doc.roles.includes('master_admin') ? [o.index(userIndexes.masterAdmins, email)] : []),
          ...(doc.external_id ? [o.link(userLookups.externalId, doc.external_id, email)] : []),
        ];
      }
      case 'UserInvited': {
        const { invite_code_hash, ...data } = event.data;
        const doc: UserDoc = current
          ? { ...current, invite_code_hash, updated_at: at }
          : { ...data, roles: [], invite_code_hash, created_at: at, updated_at: at };
        return [
          ...dropInvite,
          o.putDoc('user', email, doc),
          o.index(userIndexes.all, email),
          o.link(userLookups.invite, invite_code_hash, email),
          ...(!current && doc.external_id ? [o.link(userLookups.externalId, doc.external_id, email)] : []),
        ];
      }
      case 'UserRoleAdded':
        if (!current) return [];
        return [
          o.putDoc('user', email, { ...current, roles: [...current.roles, event.data.role], updated_at: at }),
          ...(event.data.role === 'master_admin' ? [o.index(userIndexes.masterAdmins, email)] : []),
        ];
      case 'UserRoleRemoved':
        if (!current) return [];
        return [
          o.putDoc('user', email, { ...current, roles: current.roles.filter((r) => r !== event.data.role), updated_at: at }),
          ...(event.data.role === 'master_admin' ? [o.unindex(userIndexes.masterAdmins, email)] : []),
        ];
      case 'UserIdentityLinked':
        if (!current) return [];
        return [
          ...dropInvite,
          ...dropExternalId,
          o.putDoc('user', email, { ...current, external_id: event.data.external_id, name: event.data.name, invite_code_hash: null, updated_at: at }),
          ...(event.data.external_id ? [o.link(userLookups.externalId, event.data.external_id, email)] : []),
        ];
      case 'UserIdentityForgotten':
        if (!current) return [];
        return [...dropExternalId, o.putDoc('user', email, { ...current, external_id: null, updated_at: at })];
      case 'UserRemoved':
        return [
          ...dropInvite,
          ...dropExternalId,
          o.dropDoc('user', email),
          o.unindex(userIndexes.all, email),
          o.unindex(userIndexes.masterAdmins, email),
          o.dropIndex(userIndexes.grids(email)),
        ];
      default:
        return [];
    }
  },
};
