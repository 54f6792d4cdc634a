import type { GridLogs, GridStats, SealedValue } from '@libs/domain';

/** `doc('grid', name)`; listed in index `grids`; agents find it by `lookup('gridtoken', sha256(token))`. */
export interface GridDoc {
  id: string;
  name: string;
  initial_size: number;
  subnet: string;
  supernet: string;
  default_affinity: string[];
  trusted_subnets: string[];
  stats: GridStats;
  logs: GridLogs | null;
  /** Sealed: the api opens it for GET /v1/grids/:grid (Kontena shows the token to grid users). */
  token: SealedValue;
  data_key_id: string;
  users: string[];
  created_at: string;
  updated_at: string;
}

export const gridIndexes = {
  all: 'grids',
  nodes: (grid: string) => `grid:${grid}:nodes`,
  services: (grid: string) => `grid:${grid}:services`,
  stacks: (grid: string) => `grid:${grid}:stacks`,
  secrets: (grid: string) => `grid:${grid}:secrets`,
  registries: (grid: string) => `grid:${grid}:registries`,
  volumes: (grid: string) => `grid:${grid}:volumes`,
};
