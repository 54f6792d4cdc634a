import type { SealedValue } from '@libs/domain';

/**
 * `doc('registry', '<grid>/<name>')`, listed by id in `gridIndexes.registries(grid)`. The password stays
 * sealed and is never rendered; it is kept for whoever pulls images with it (issue 4).
 */
export interface RegistryDoc {
  id: string;
  grid: string;
  name: string;
  url: string;
  username: string;
  email: string | null;
  password: SealedValue;
  created_at: string;
  updated_at: string;
}
