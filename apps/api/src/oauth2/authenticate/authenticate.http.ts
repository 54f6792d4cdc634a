import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { LOCAL_ADMIN_EMAIL } from '@libs/domain';
import { TokenDoc, tokenLookups, userLookups } from '@libs/read-model';
import { Public } from '../../common/auth/decorators';
import { hashToken } from '../../common/auth/token-hash';
import { ReadModels } from '../../platform/read-models';
import { AuthProvider } from '../auth-provider/auth-provider';
import { authorizeUrl } from '../auth-provider/auth-provider-settings';
import { oauthError } from '../oauth-error';
import { bearerOf } from '../oauth-params';
import { AuthorizationRequests } from './authorization-requests';

/**
 * Only back to the client's own machine or to this server's `/code` page, so a sign-in can never hand a code
 * to another site (authenticate_api.rb).
 */
export function allowedRedirect(uri: string): boolean {
  try {
    return new URL(uri).hostname === 'localhost';
  } catch {
    if (!uri.startsWith('/') || uri.startsWith('//')) return false;
    const relative = new URL(uri, 'http://relative.invalid');
    return relative.host === 'relative.invalid' && relative.pathname === '/code';
  }
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

@ApiTags('oauth2')
@Controller('authenticate')
export class AuthenticateHttp {
  constructor(
    private readonly provider: AuthProvider,
    private readonly requests: AuthorizationRequests,
    private readonly readModels: ReadModels,
  ) {}

  /**
   * Starts a sign-in through the external provider (kontena-behaviour.md §8): remembers where to return and for
   * whom, then 302s to the provider. Rate limited with the token endpoint (§1 Rack::Attack).
   */
  @Get()
  @Public()
  @UseGuards(ThrottlerGuard)
  @ApiOperation({ summary: 'Sign in through the configured auth provider (302 to it; 501 when none is configured)' })
  @ApiQuery({ name: 'redirect_uri', description: 'http://localhost[:port]/… or /code' })
  @ApiQuery({ name: 'invite_code', required: false })
  @ApiQuery({ name: 'expires_in', required: false, description: 'Seconds the resulting token lives; 0 never expires' })
  async authenticate(
    @Req() request: Request,
    @Res() response: Response,
    @Query('redirect_uri') redirectUri?: unknown,
    @Query('invite_code') inviteCode?: unknown,
    @Query('expires_in') expiresIn?: unknown,
  ): Promise<void> {
    const settings = await this.provider.settings();
    if (!settings) throw oauthError(501, 'server_error', 'Authentication provider not configured');
    const redirect = text(redirectUri);
    if (!redirect) throw oauthError(400, 'invalid_request', 'Missing redirect_uri');
    if (!allowedRedirect(redirect)) throw oauthError(400, 'invalid_request', 'Invalid redirect_uri');

    let userEmail: string | null = null;
    const invite = text(inviteCode);
    if (invite) {
      const invited = await this.readModels.reader.lookup(userLookups.invite, hashToken(invite));
      if (!invited) throw oauthError(403, 'access_denied', 'Invalid invite code');
      userEmail = invited;
    } else {
      const current = await this.tokenOwner(request);
      if (current && current !== LOCAL_ADMIN_EMAIL) userEmail = current;
    }
    const seconds = parseInt(text(expiresIn) ?? '0', 10);
    const state = await this.requests.create({ redirect_uri: redirect, expires_in: Number.isFinite(seconds) ? seconds : 0, user_email: userEmail });
    response.redirect(302, authorizeUrl(settings, state));
  }

  /** Whose token came with the request, expired or not: a signed-in user renewing their login (`allow_expired`). */
  private async tokenOwner(request: Request): Promise<string | undefined> {
    const bearer = bearerOf(request);
    if (!bearer) return undefined;
    const reader = this.readModels.reader;
    const id = await reader.lookup(tokenLookups.access, hashToken(bearer));
    return id ? (await reader.doc<TokenDoc>('token', id))?.user_email : undefined;
  }
}
