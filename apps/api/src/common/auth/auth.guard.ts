import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { RoleName } from '@libs/domain';
import type { KontenaRequest } from '../http/request-context';
import { Authenticator } from './authenticator';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from './decorators';
import { accessDenied, unauthorized } from './unauthorized';

/**
 * Authenticates every route except `@Public()` ones (kontena-behaviour.md §1 middleware), then checks
 * route-level roles. Grid membership depends on the grid in the path, so use cases check it with
 * `GridAccess`.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<KontenaRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) ?? false;
    const header = request.headers.authorization;
    const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;

    if (!bearer) {
      if (isPublic) return true;
      throw unauthorized('Invalid token');
    }
    const result = await this.authenticator.authenticate(bearer, new Date());
    if (!result.ok) {
      if (isPublic) return true;
      throw unauthorized(result.reason);
    }
    request.principal = result.principal;

    const roles = this.reflector.getAllAndOverride<RoleName[]>(REQUIRED_ROLES, targets);
    if (roles?.length && !result.principal.roles.some((r) => r === 'master_admin' || roles.includes(r))) throw accessDenied();
    return true;
  }
}
