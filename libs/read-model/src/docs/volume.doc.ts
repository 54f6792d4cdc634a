import type { VolumeScope } from '@libs/domain';

/**
 * `doc('volume', '<grid>/<name>')`, listed by id in `gridIndexes.volumes(grid)`. Services mounting it
 * are in `crossIndexes.volumeServices(grid, name)`.
 */
export interface VolumeDoc {
  id: string;
  grid: string;
  name: string;
  scope: VolumeScope;
  driver: string;
  driver_opts: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}
