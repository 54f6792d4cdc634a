import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ValidationFailed } from '@libs/domain';
import type { TokenDoc, UserDoc } from '@libs/read-model';
import { DomainException } from '../../common/http/errors';
import type { Principal, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { oauthError } from '../oauth-error';
import { TokenIssuer } from '../token-issuer';
import type { TokenSecrets } from '../token.view';

export interface TokenOrder {
  kind: 'bearer' | 'authorization_code';
  /** Comma-separated scopes, as OAuth2 sends them. */
  scope: string;
  /** Seconds; `> 0` expires and so comes with a refresh token, anything else never expires (§8). */
  expiresIn: number;
  description: string | null;
  /** Another user's email: minting for someone else needs master_admin. */
  forUser: string | undefined;
}

export class IssueTokenCommand extends Command<{ doc: TokenDoc; user: UserDoc; secrets: TokenSecrets }> {
  constructor(
    readonly ctx: RequestContext,
    readonly caller: Principal,
    readonly order: TokenOrder,
  ) {
    super();
  }
}

/** POST /oauth2/authorize with `response_type` `token` or `code` (kontena-behaviour.md §8, authorization_api.rb). */
@CommandHandler(IssueTokenCommand)
export class IssueTokenHandler implements ICommandHandler<IssueTokenCommand> {
  constructor(
    private readonly issuer: TokenIssuer,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, caller, order }: IssueTokenCommand) {
    if (order.forUser !== undefined && !caller.roles.includes('master_admin')) {
      throw oauthError(403, 'access_denied', 'Only a master_admin can create tokens for other users');
    }
    const user = await this.readModels.reader.doc<UserDoc>('user', order.forUser ?? caller.email);
    if (!user) throw oauthError(404, 'not_found');
    try {
      const { doc, secrets } = await this.issuer.issue(ctx, {
        user,
        kind: order.kind,
        scopes: order.scope.replace(/\s+/g, '').split(',').filter(Boolean),
        description: order.description,
        expiresAt: order.expiresIn > 0 ? new Date(ctx.now.getTime() + order.expiresIn * 1000).toISOString() : null,
        issuerScopes: caller.scopes,
      });
      return { doc, user, secrets };
    } catch (error) {
      // Kontena answers a refused token with 400 invalid_request (authorization_api.rb).
      if (error instanceof DomainException && error.error instanceof ValidationFailed) {
        throw oauthError(400, 'invalid_request', Object.values(error.error.errors).join(', '));
      }
      throw error;
    }
  }
}
