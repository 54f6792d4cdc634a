import type { SealedValue } from '@libs/domain';

/**
 * `doc('secret', '<grid>/<name>')`, listed by id in `gridIndexes.secrets(grid)`. The value stays sealed
 * (DESIGN.md §7): only the api opens it, for GET /v1/secrets/:grid/:name (and later for agents).
 * Services using it are in `crossIndexes.secretServices(grid, name)`.
 */
export interface SecretDoc {
  id: string;
  grid: string;
  name: string;
  value: SealedValue;
  created_at: string;
  updated_at: string;
}
