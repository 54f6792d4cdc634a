import { Controller, Get, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/auth/decorators';
import { HttpProblem } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ApiConfig } from '../../config';
import { AuthProvider } from '../auth-provider/auth-provider';
import { AuthorizationRequests } from '../authenticate/authorization-requests';
import { oauthError } from '../oauth-error';
import { SignInCommand } from './sign-in.handler';

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Where the code goes: in the query for the client's localhost server, in the fragment for this server's
 * `/code` page, so the code never reaches a server log (callback_api.rb `build_final_redirect`).
 */
export function finalRedirect(redirectUri: string, code: string, serverName: string): string {
  const query = new URLSearchParams({ code, server_name: serverName }).toString();
  try {
    const url = new URL(redirectUri);
    url.search = query;
    return url.toString();
  } catch {
    return `${redirectUri.split('#')[0]}#${query}`;
  }
}

@ApiTags('oauth2')
@Controller('cb')
export class CallbackHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly requests: AuthorizationRequests,
    private readonly provider: AuthProvider,
    private readonly config: ApiConfig,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: "The auth provider's redirect back; 302s to the sign-in's redirect_uri with a code" })
  async callback(
    @Ctx() ctx: RequestContext,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    const error = text(query.error);
    if (error) {
      const detail = [error, text(query.error_description), text(query.error_uri)].filter(Boolean).join(' ');
      throw new HttpProblem(502, { error: `The authorization server returned an error: ${detail}` });
    }
    const state = text(query.state);
    const request = state ? await this.requests.take(state) : undefined;
    if (!request) throw new HttpProblem(400, { error: 'invalid_request' });
    const settings = await this.provider.settings();
    if (!settings) throw oauthError(501, 'server_error', 'Authentication provider not configured');

    const { code } = await this.commands.execute(new SignInCommand(ctx, request, settings, text(query.code)));
    response.redirect(302, finalRedirect(request.redirect_uri, code, this.config.SERVER_NAME));
  }
}
