import { Module } from '@nestjs/common';
import { ConfigApiModule } from '../config-api/config-api.module';
import { AuthProvider } from './auth-provider/auth-provider';
import { AuthenticateHttp } from './authenticate/authenticate.http';
import { AuthorizationRequests } from './authenticate/authorization-requests';
import { AuthorizeHttp } from './authorize/authorize.http';
import { InviteUserHandler } from './authorize/invite-user.handler';
import { IssueTokenHandler } from './authorize/issue-token.handler';
import { CallbackHttp } from './callback/callback.http';
import { SignInHandler } from './callback/sign-in.handler';
import { CodePageHttp } from './code-page/code-page.http';
import { ExchangeGrantHandler } from './token/exchange-grant.handler';
import { TokenHttp } from './token/token.http';
import { TokenIssuer } from './token-issuer';
import { GetTokenHttp } from './tokens/get-token/get-token.http';
import { ListTokensHttp } from './tokens/list-tokens/list-tokens.http';
import { OwnedToken } from './tokens/owned-token';
import { RevokeTokenHandler } from './tokens/revoke-token/revoke-token.handler';
import { RevokeTokenHttp } from './tokens/revoke-token/revoke-token.http';

/** OAuth2 (kontena-behaviour.md §8): tokens, codes, invites and sign-in through an external provider. */
@Module({
  imports: [ConfigApiModule],
  controllers: [TokenHttp, AuthorizeHttp, ListTokensHttp, GetTokenHttp, RevokeTokenHttp, AuthenticateHttp, CallbackHttp, CodePageHttp],
  providers: [
    TokenIssuer,
    OwnedToken,
    AuthProvider,
    AuthorizationRequests,
    ExchangeGrantHandler,
    IssueTokenHandler,
    InviteUserHandler,
    RevokeTokenHandler,
    SignInHandler,
  ],
})
export class OAuth2Module {}
