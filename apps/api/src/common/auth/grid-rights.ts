import { SetMetadata } from '@nestjs/common';

/**
 * What a grid-scoped route needs beyond membership (kontena-behaviour.md §1): `grid_admin` for grid
 * updates, node creation and node tokens; `grid_users_admin` (user_admin or grid_admin) for a grid's users.
 * Routes with a `:grid` parameter need membership without saying so.
 */
export type GridRights = 'member' | 'grid_admin' | 'grid_users_admin';
export const GRID_RIGHTS = 'kontena:grid-rights';
export const GRID_NOT_FOUND = 'kontena:grid-not-found';

export const GridRights = (rights: GridRights) => SetMetadata(GRID_RIGHTS, rights);

/** A route family that names the missing grid in its 404 (the volumes API: `{"error":"Grid X not found"}`). */
export const GridNotFoundMessage = (message: (grid: string) => string) => SetMetadata(GRID_NOT_FOUND, message);
