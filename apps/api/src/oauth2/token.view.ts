import type { TokenDoc, UserDoc } from '@libs/read-model';

export interface TokenSecrets {
  access_token?: string | null;
  refresh_token?: string | null;
  code?: string | null;
}

/**
 * Kontena's access-token JSON (`views/v1/access_tokens/_access_token.json.jbuilder`). Plain token values
 * exist only in the response that creates them: we keep hashes (§8).
 */
export function renderToken(doc: TokenDoc, user: Pick<UserDoc, 'id' | 'email' | 'name'>, serverName: string, now: Date, secrets: TokenSecrets = {}) {
  const common = {
    scopes: doc.scopes.join(','),
    description: doc.description,
    user: { id: user.id, email: user.email, name: user.name ?? '' },
    server: { name: serverName },
  };
  if (doc.kind === 'authorization_code') {
    return { id: doc.id, grant_type: 'authorization_code', code: secrets.code ?? null, ...common };
  }
  return {
    id: doc.id,
    token_type: 'bearer',
    access_token: secrets.access_token ?? null,
    refresh_token: secrets.refresh_token ?? null,
    access_token_last_four: doc.token_last_four,
    refresh_token_last_four: doc.refresh_token_last_four,
    expires_in: doc.expires_at === null ? null : Math.max(0, Math.floor((Date.parse(doc.expires_at) - now.getTime()) / 1000)),
    ...common,
  };
}
