import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Authenticator } from '../../common/auth/authenticator';
import { Public } from '../../common/auth/decorators';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ApiConfig } from '../../config';
import { oauthError } from '../oauth-error';
import { oauthParams } from '../oauth-params';
import { signedIn } from '../signed-in';
import { renderToken } from '../token.view';
import { InviteUserCommand } from './invite-user.handler';
import { IssueTokenCommand } from './issue-token.handler';

/** `expires_in` as Kontena's `integer` filter takes it: absent or blank is none, other text is refused. */
function expiresIn(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!/^-?\d+$/.test(raw)) throw oauthError(400, 'invalid_request', "Expires In isn't an integer");
  return Number(raw);
}

/**
 * POST /oauth2/authorize (kontena-behaviour.md §8): `response_type` `token` mints an access token, `code` an
 * authorization code, both for a token with scope `user`; `invite` creates an invite (user_admin). Answers
 * 201 with Kontena's JSON.
 */
@ApiTags('oauth2')
@Controller('oauth2/authorize')
export class AuthorizeHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly authenticator: Authenticator,
    private readonly config: ApiConfig,
  ) {}

  @Post()
  @Public()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an access token, an authorization code or an invite' })
  async authorize(@Ctx() ctx: RequestContext, @Req() request: Request) {
    // Who asks comes first: without a valid token the answer is 401, whatever the parameters say.
    const caller = await signedIn(ctx, request, this.authenticator);
    const params = oauthParams(request);
    if (Object.values(params).every((v) => v === undefined)) throw oauthError(400, 'invalid_request');

    switch (params.response_type) {
      case 'code':
      case 'token': {
        if (!caller.scopes.includes('user')) throw oauthError(403, 'access_denied');
        if (!params.scope) throw oauthError(400, 'invalid_scope');
        const { doc, user, secrets } = await this.commands.execute(
          new IssueTokenCommand(ctx, caller, {
            kind: params.response_type === 'code' ? 'authorization_code' : 'bearer',
            scope: params.scope,
            expiresIn: expiresIn(params.expires_in),
            description: params.description ?? null,
            forUser: params.user,
          }),
        );
        return renderToken(doc, user, this.config.SERVER_NAME, ctx.now, secrets);
      }
      case 'invite': {
        const { email, invite_code } = await this.commands.execute(
          new InviteUserCommand(ctx, caller, { email: params.email, name: params.username, external_id: params.external_id }),
        );
        return { email, invite_code, link: `${request.protocol}://${request.get('host')}/j/${invite_code}` };
      }
      default:
        throw oauthError(400, 'unsupported_response_type', 'Unsupported response type. Supported: code, token, invite');
    }
  }
}
