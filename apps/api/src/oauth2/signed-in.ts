import type { Request } from 'express';
import { Authenticator } from '../common/auth/authenticator';
import { unauthorized } from '../common/auth/unauthorized';
import type { Principal, RequestContext } from '../common/http/request-context';
import { bearerOf } from './oauth-params';

/**
 * The caller of a route that accepts no token for some of its uses (Kontena's `soft_exclude`), when this use
 * needs one: 401 "Invalid token" or "Token expired" otherwise, as on every other route.
 */
export async function signedIn(ctx: RequestContext, request: Request, authenticator: Authenticator): Promise<Principal> {
  if (ctx.principal) return ctx.principal;
  const bearer = bearerOf(request);
  const result = bearer ? await authenticator.authenticate(bearer, ctx.now) : undefined;
  throw unauthorized(result && !result.ok ? result.reason : 'Invalid token');
}
