import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { tokenDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { TokenDoc, tokenLookups } from '@libs/read-model';
import { hashToken } from '../../common/auth/token-hash';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { oauthError } from '../oauth-error';
import { mintToken } from '../token-issuer';

export type Grant = 'authorization_code' | 'refresh_token';

export class ExchangeGrantCommand extends Command<{ doc: TokenDoc; access_token: string; refresh_token: string | null }> {
  constructor(
    readonly ctx: RequestContext,
    readonly grant: Grant,
    readonly secret: string,
  ) {
    super();
  }
}

/** Refreshed tokens live two hours (kontena-behaviour.md §8). */
export const REFRESHED_TOKEN_SECONDS = 7200;

/**
 * Spends a code or refresh token (single use, enforced by the old token's stream revision) and issues a
 * new bearer token for the same user, scopes and description.
 */
@CommandHandler(ExchangeGrantCommand)
export class ExchangeGrantHandler implements ICommandHandler<ExchangeGrantCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grant, secret }: ExchangeGrantCommand) {
    const reader = this.readModels.reader;
    const oldId = await reader.lookup(grant === 'authorization_code' ? tokenLookups.code : tokenLookups.refresh, hashToken(secret));
    const old = oldId ? await reader.doc<TokenDoc>('token', oldId) : undefined;
    if (!old) throw oauthError(404, 'invalid_request', grant);
    ctx.principal = { userId: old.user_id, email: old.user_email, name: null, roles: [], tokenId: old.id, scopes: old.scopes };

    const id = randomUUID();
    const expiresAt = grant === 'refresh_token' ? new Date(ctx.now.getTime() + REFRESHED_TOKEN_SECONDS * 1000).toISOString() : old.expires_at;
    const { data, secrets } = mintToken(id, {
      user: { id: old.user_id, email: old.user_email },
      scopes: old.scopes,
      description: old.description,
      expiresAt,
      kind: 'bearer',
    });

    try {
      await this.executor.execute(ctx, streamName('token', old.id), tokenDecider, { type: 'ExchangeAccessToken', data: { grant, replaced_by: id } });
    } catch (error) {
      if (error instanceof DomainException) throw oauthError(404, 'invalid_request', grant);
      throw error;
    }
    await this.executor.execute(ctx, streamName('token', id), tokenDecider, { type: 'IssueAccessToken', data });
    const doc = await reader.doc<TokenDoc>('token', id);
    if (!doc) throw new Error(`token ${id} is not in the read models`);
    return { doc, access_token: secrets.access_token!, refresh_token: secrets.refresh_token ?? null };
  }
}
