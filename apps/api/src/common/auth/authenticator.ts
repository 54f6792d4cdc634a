import { Injectable } from '@nestjs/common';
import { ReadModels } from '../../platform/read-models';
import type { Principal } from '../http/request-context';
import { hashToken } from './token-hash';

export type Authentication = { ok: true; principal: Principal } | { ok: false; reason: 'Invalid token' | 'Token expired' };

/** Resolves a bearer token to its user through the read models: hash, look up, check expiry and owner. */
@Injectable()
export class Authenticator {
  constructor(private readonly readModels: ReadModels) {}

  async authenticate(token: string, now: Date): Promise<Authentication> {
    const found = await this.readModels.reader.tokenWithUser(hashToken(token));
    if (!found || found.token.kind !== 'bearer') return { ok: false, reason: 'Invalid token' };
    const { token: doc, user } = found;
    if (doc.expires_at !== null && Date.parse(doc.expires_at) <= now.getTime()) return { ok: false, reason: 'Token expired' };
    if (!user) return { ok: false, reason: 'Invalid token' };
    return {
      ok: true,
      principal: { userId: user.id, email: user.email, name: user.name, roles: user.roles, tokenId: doc.id, scopes: doc.scopes },
    };
  }
}
