import { Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { UserDoc } from '@libs/read-model';
import { Public } from '../../common/auth/decorators';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ApiConfig } from '../../config';
import { ReadModels } from '../../platform/read-models';
import { oauthError, wantsJson } from '../oauth-error';
import { oauthParams } from '../oauth-params';
import { renderToken } from '../token.view';
import { ExchangeGrantCommand } from './exchange-grant.handler';

@ApiTags('oauth2')
@Controller('oauth2/token')
export class TokenHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly readModels: ReadModels,
    private readonly config: ApiConfig,
  ) {}

  @Post()
  @Public()
  @HttpCode(201)
  @UseGuards(ThrottlerGuard)
  @ApiOperation({ summary: 'OAuth2 token endpoint: grant_type authorization_code or refresh_token' })
  async token(@Ctx() ctx: RequestContext, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const params = oauthParams(request);
    if (Object.values(params).every((v) => v === undefined)) throw oauthError(400, 'invalid_request');
    const grant = params.grant_type;
    if (grant !== 'authorization_code' && grant !== 'refresh_token') throw oauthError(400, 'unsupported_grant_type', 'grant_type');
    const secret = grant === 'authorization_code' ? params.code : params.refresh_token;
    if (!secret) throw oauthError(400, 'invalid_request', grant);

    const { doc, access_token, refresh_token } = await this.commands.execute(new ExchangeGrantCommand(ctx, grant, secret));
    const user = (await this.readModels.reader.doc<UserDoc>('user', doc.user_email))!;
    if (wantsJson(request)) return renderToken(doc, user, this.config.SERVER_NAME, ctx.now, { access_token, refresh_token });

    const form = new URLSearchParams();
    if (params.state) form.set('state', params.state);
    form.set('access_token', access_token);
    if (refresh_token) form.set('refresh_token', refresh_token);
    if (doc.expires_at) form.set('expires_in', String(Math.floor((Date.parse(doc.expires_at) - ctx.now.getTime()) / 1000)));
    form.set('username', user.name ?? user.email);
    form.set('server_name', this.config.SERVER_NAME);
    response.type('application/x-www-form-urlencoded');
    return form.toString();
  }
}
