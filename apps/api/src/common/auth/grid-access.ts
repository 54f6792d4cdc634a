import { Injectable } from '@nestjs/common';
import { NotFound } from '@libs/domain';
import type { GridDoc } from '@libs/read-model';
import { ReadModels } from '../../platform/read-models';
import { DomainException } from '../http/errors';
import type { Principal } from '../http/request-context';
import { accessDenied } from './unauthorized';

export function isMasterAdmin(principal: Principal): boolean {
  return principal.roles.includes('master_admin');
}

/** `user_admin?` includes master_admin (kontena-behaviour.md §8). */
export function isUserAdmin(principal: Principal): boolean {
  return isMasterAdmin(principal) || principal.roles.includes('user_admin');
}

/**
 * Grid-scoped authorisation (kontena-behaviour.md §1, §8): a missing grid answers 404, a grid the caller
 * is not a member of answers 403. master_admin reaches every grid; grid_admin rights need membership.
 */
@Injectable()
export class GridAccess {
  /**
   * Grids already checked for a request: the principal object lives exactly as long as its request, so the
   * guard's look-up serves the handler's own checks without another read.
   */
  private readonly seen = new WeakMap<Principal, Map<string, GridDoc>>();

  constructor(private readonly readModels: ReadModels) {}

  /** The grid, if the caller may use it. */
  async member(principal: Principal, grid: string): Promise<GridDoc> {
    let grids = this.seen.get(principal);
    const known = grids?.get(grid);
    if (known) return known;
    const doc = await this.readModels.reader.doc<GridDoc>('grid', grid);
    if (!doc) throw new DomainException(new NotFound());
    if (!isMasterAdmin(principal) && !doc.users.includes(principal.email)) throw accessDenied();
    if (!grids) this.seen.set(principal, (grids = new Map()));
    grids.set(grid, doc);
    return doc;
  }

  /** The grid, if the caller may administer it (GA of that grid, or MA). */
  async admin(principal: Principal, grid: string): Promise<GridDoc> {
    const doc = await this.member(principal, grid);
    if (!isMasterAdmin(principal) && !principal.roles.includes('grid_admin')) throw accessDenied();
    return doc;
  }

  /**
   * The grid, if the caller may change its users: user_admins and the grid's grid_admins (UserAuthorizer
   * `assignable_by?`). Kontena refused with 422 `{"error":{"grid":"Operation not allowed"}}`; here 403.
   */
  async usersAdmin(principal: Principal, grid: string): Promise<GridDoc> {
    const doc = await this.member(principal, grid);
    if (!isUserAdmin(principal) && !principal.roles.includes('grid_admin')) throw accessDenied();
    return doc;
  }

  check(
    principal: Principal,
    grid: string,
    rights: 'member' | 'grid_admin' | 'grid_users_admin',
  ): Promise<GridDoc> {
    if (rights === 'grid_admin') return this.admin(principal, grid);
    if (rights === 'grid_users_admin') return this.usersAdmin(principal, grid);
    return this.member(principal, grid);
  }
}
