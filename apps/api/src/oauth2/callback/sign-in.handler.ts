import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { LOCAL_ADMIN_EMAIL, userDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { UserDoc, userLookups } from '@libs/read-model';
import { HttpProblem } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { AuthProvider, ProviderUser } from '../auth-provider/auth-provider';
import type { AuthProviderSettings } from '../auth-provider/auth-provider-settings';
import type { AuthorizationRequest } from '../authenticate/authorization-requests';
import { TokenIssuer } from '../token-issuer';

export class SignInCommand extends Command<{ code: string }> {
  constructor(
    readonly ctx: RequestContext,
    readonly request: AuthorizationRequest,
    readonly settings: AuthProviderSettings,
    readonly providerCode: string | undefined,
  ) {
    super();
  }
}

const failed = (detail?: string) => new HttpProblem(400, { error: detail ? `Authentication failed: ${detail}` : 'Authentication failed' });

/**
 * The provider sent the browser back (`/cb`, kontena-behaviour.md §8, callback_api.rb): exchange its code, ask
 * who signed in, find that user (the invite or signed-in user of the request, else by provider id, else by
 * email; users must be invited first), link the identity, and issue a `user`-scoped authorization code.
 */
@CommandHandler(SignInCommand)
export class SignInHandler implements ICommandHandler<SignInCommand> {
  constructor(
    private readonly provider: AuthProvider,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
    private readonly issuer: TokenIssuer,
  ) {}

  async execute({ ctx, request, settings, providerCode }: SignInCommand) {
    const accessToken = providerCode ? await this.provider.exchangeCode(settings, providerCode) : undefined;
    if (!accessToken) throw failed();
    const info = await this.provider.userInfo(settings, accessToken);
    if (!info) throw failed();
    if (info.email !== null && !info.email.includes('@')) throw new HttpProblem(400, { error: `Invalid email address '${info.email}'` });

    const user = await this.findUser(request, info);
    // The local admin never signs in through the provider.
    if (!user || user.email === LOCAL_ADMIN_EMAIL) throw new HttpProblem(403, { error: 'Access denied' });
    const linkedTo = info.id ? await this.readModels.reader.lookup(userLookups.externalId, info.id) : undefined;
    if (linkedTo && linkedTo !== user.email) throw new HttpProblem(400, { error: 'Invalid userdata: external_id is already taken' });

    // The events of this sign-in are the user's own doing, though no token of theirs is involved yet.
    ctx.principal = { userId: user.id, email: user.email, name: user.name, roles: user.roles, tokenId: '', scopes: [] };
    await this.executor.execute(ctx, streamName('user', user.email), userDecider, {
      type: 'LinkExternalIdentity',
      data: { external_id: info.id, name: info.username },
    });
    const { secrets } = await this.issuer.issue(ctx, {
      user,
      kind: 'authorization_code',
      scopes: ['user'],
      description: null,
      expiresAt: request.expires_in > 0 ? new Date(ctx.now.getTime() + request.expires_in * 1000).toISOString() : null,
    });
    return { code: secrets.code! };
  }

  private async findUser(request: AuthorizationRequest, info: ProviderUser): Promise<UserDoc | undefined> {
    const reader = this.readModels.reader;
    if (request.user_email) {
      const user = await reader.doc<UserDoc>('user', request.user_email);
      if (user) return user;
    }
    const byId = info.id ? await reader.lookup(userLookups.externalId, info.id) : undefined;
    const email = byId ?? info.email;
    return email ? reader.doc<UserDoc>('user', email) : undefined;
  }
}
