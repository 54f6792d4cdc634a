import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { IssueAccessToken, tokenDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { TokenDoc } from '@libs/read-model';
import { hashToken, randomToken } from '../common/auth/token-hash';
import type { RequestContext } from '../common/http/request-context';
import { CommandExecutor } from '../platform/command-executor';
import { ReadModels } from '../platform/read-models';
import type { TokenSecrets } from './token.view';

export interface TokenRequest {
  user: { id: string; email: string };
  scopes: string[];
  description: string | null;
  /** ISO time, or `null` for a token that never expires and so has no refresh token (§8). */
  expiresAt: string | null;
  /** An authorization code exchanges once, at POST /oauth2/token, for a bearer token with its scopes and expiry. */
  kind: 'bearer' | 'authorization_code';
  /** The scopes of the token asking, when a token asks (it never mints more than it holds). */
  issuerScopes?: readonly string[];
}

/**
 * Random secrets (§8: access token 32 bytes, refresh token 64, as hex) with only their SHA-256 hashes and last
 * four characters in the event. Codes are 16 bytes: Kontena's 6-byte codes were guessable enough to matter for
 * codes that never expire.
 */
export function mintToken(id: string, request: TokenRequest): { data: IssueAccessToken['data']; secrets: TokenSecrets } {
  const code = request.kind === 'authorization_code' ? randomToken(16) : null;
  const accessToken = request.kind === 'bearer' ? randomToken(32) : null;
  const refreshToken = accessToken && request.expiresAt !== null ? randomToken(64) : null;
  return {
    data: {
      id,
      kind: request.kind,
      user_id: request.user.id,
      user_email: request.user.email,
      scopes: request.scopes,
      description: request.description,
      token_hash: accessToken ? hashToken(accessToken) : null,
      token_last_four: accessToken ? accessToken.slice(-4) : null,
      refresh_token_hash: refreshToken ? hashToken(refreshToken) : null,
      refresh_token_last_four: refreshToken ? refreshToken.slice(-4) : null,
      code_hash: code ? hashToken(code) : null,
      expires_at: request.expiresAt,
      ...(request.issuerScopes ? { issuer_scopes: request.issuerScopes } : {}),
    },
    secrets: { access_token: accessToken, refresh_token: refreshToken, code },
  };
}

/** Issues a token or a code in its own stream; the plain secrets exist only in the answer. */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async issue(ctx: RequestContext, request: TokenRequest): Promise<{ doc: TokenDoc; secrets: TokenSecrets }> {
    const id = randomUUID();
    const { data, secrets } = mintToken(id, request);
    await this.executor.execute(ctx, streamName('token', id), tokenDecider, { type: 'IssueAccessToken', data });
    const doc = await this.readModels.reader.doc<TokenDoc>('token', id);
    if (!doc) throw new Error(`token ${id} is not in the read models`);
    return { doc, secrets };
  }
}
