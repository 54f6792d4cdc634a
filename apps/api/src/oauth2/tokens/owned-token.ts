import { Injectable } from '@nestjs/common';
import { TokenDoc, tokenLookups, UserDoc } from '@libs/read-model';
import { hashToken } from '../../common/auth/token-hash';
import type { Principal } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { oauthError } from '../oauth-error';

/**
 * A token named by its id or by the token itself (tokens_api.rb `find_by_token_or_id`), if the caller owns it
 * or is a master_admin. Kontena answered someone else's token with 401; a lack of rights is a 403 here, and
 * 401 keeps meaning a bad bearer token.
 */
@Injectable()
export class OwnedToken {
  constructor(private readonly readModels: ReadModels) {}

  async find(caller: Principal, idOrToken: string): Promise<{ doc: TokenDoc; owner: UserDoc }> {
    const reader = this.readModels.reader;
    const id = (await reader.doc<TokenDoc>('token', idOrToken)) ? idOrToken : await reader.lookup(tokenLookups.access, hashToken(idOrToken));
    const doc = id ? await reader.doc<TokenDoc>('token', id) : undefined;
    const owner = doc ? await reader.doc<UserDoc>('user', doc.user_email) : undefined;
    if (!doc || !owner) throw oauthError(404, 'Not found');
    if (doc.user_email !== caller.email && !caller.roles.includes('master_admin')) throw oauthError(403, 'access_denied');
    return { doc, owner };
  }
}
