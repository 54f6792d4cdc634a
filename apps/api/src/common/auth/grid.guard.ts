import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { NotFound } from '@libs/domain';
import { DomainException } from '../http/errors';
import { PUBLIC_ROUTE } from './decorators';
import type { KontenaRequest } from '../http/request-context';
import { GridAccess } from './grid-access';
import { GRID_NOT_FOUND, GRID_RIGHTS, GridRights } from './grid-rights';

/**
 * Grid access before anything else looks at the request (Nest runs guards before pipes): a caller outside
 * the grid gets 403, and a missing grid 404, whatever the body says, as Kontena's `load_grid` did before
 * its mutations validated input. Otherwise an outsider could probe the validation rules of a grid's routes.
 */
@Injectable()
export class GridGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly access: GridAccess,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<KontenaRequest>();
    const grid = request.params?.grid;
    if (typeof grid !== 'string' || !request.principal) return true;
    const targets = [context.getHandler(), context.getClass()];
    // A public route (the agents' routes under a grid) answers to its own credentials, not a user's grid access.
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const rights = this.reflector.getAllAndOverride<GridRights>(GRID_RIGHTS, targets) ?? 'member';
    const notFound = this.reflector.getAllAndOverride<(grid: string) => string>(GRID_NOT_FOUND, targets);
    try {
      await this.access.check(request.principal, grid, rights);
    } catch (error) {
      if (notFound && error instanceof DomainException && error.error instanceof NotFound) {
        throw new DomainException(new NotFound(notFound(grid)));
      }
      throw error;
    }
    return true;
  }
}
