import type { DeployState, StackRevisionData } from '@libs/domain';

/**
 * `doc('stack', '<grid>/<name>')`: the stack with its latest revision (`StackRevision`) flattened in.
 * Listed in `gridIndexes.stacks(grid)` by creation time; the `null` stack has no document.
 */
export interface StackDoc extends StackRevisionData {
  id: string;
  grid: string;
  name: string;
  parent_name: string | null;
  labels: string[];
  revision: number;
  /** Removal was requested and is not finished. */
  removing: boolean;
  created_at: string;
  /** When the latest revision was created (Kontena shows that as the stack's `updated_at`). */
  updated_at: string;
}

/**
 * `doc('stackdeploy', id)`: a stack deploy, created by `StackDeployRequested` and moved on by the progress
 * events in stream `stackdeploy-<id>`. `service_deploys` are deploy ids, in the order they run.
 */
export interface StackDeployDoc {
  id: string;
  stack_id: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  state: DeployState;
  reason: string | null;
  service_deploys: string[];
}

export const stackIndexes = {
  /** Names of the stacks whose parent is `<grid>/<name>`. */
  children: (grid: string, name: string) => `stack:${grid}/${name}:children`,
  /** Stack deploy ids, by request time. */
  deploys: (grid: string, name: string) => `stack:${grid}/${name}:deploys`,
};
