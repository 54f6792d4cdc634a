import { NotFound } from '@libs/domain';
import type { ReadModelReader, UserDoc } from '@libs/read-model';
import { DomainException } from '../common/http/errors';

/** The user `/v1/users/:email` names, or Kontena's 404 `{"error":"Not found"}` (users_api.rb). */
export async function existingUser(reader: ReadModelReader, email: string): Promise<UserDoc> {
  const doc = await reader.doc<UserDoc>('user', email);
  if (!doc) throw new DomainException(new NotFound());
  return doc;
}
