import { ROLES } from '@libs/domain';
import type { UserDoc } from '@libs/read-model';

/** Kontena's user JSON (`views/v1/users/_user.json.jbuilder`). */
export function renderUser(doc: UserDoc) {
  return {
    id: doc.id,
    email: doc.email,
    name: doc.name,
    roles: doc.roles.map((name) => ({ name, description: ROLES[name] })),
  };
}
