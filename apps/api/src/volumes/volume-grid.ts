import { NotFound } from '@libs/domain';
import type { GridDoc } from '@libs/read-model';
import type { GridAccess } from '../common/auth/grid-access';
import { DomainException } from '../common/http/errors';
import type { Principal } from '../common/http/request-context';

/** The volumes API names the missing grid: `{"error":"Grid X not found"}` (`volumes_api.rb` `find_grid`). */
export const gridNotFound = (grid: string) => `Grid ${grid} not found`;

export async function volumeGrid(access: GridAccess, user: Principal, grid: string): Promise<GridDoc> {
  try {
    return await access.member(user, grid);
  } catch (error) {
    if (error instanceof DomainException && error.error instanceof NotFound)
      throw new DomainException(new NotFound(gridNotFound(grid)));
    throw error;
  }
}
