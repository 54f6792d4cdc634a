import type { DomainEvent } from '../shared/decider';
import type { StackServiceInput } from './service-order';

/** A stack volume: a stack-local name for an existing grid volume (only external volumes are supported). */
export interface StackVolume {
  name: string;
  external: string;
}

/**
 * One revision of a stack file (`StackRevision`): what `PUT` replaces and what a deploy applies. `services`
 * are the service definitions as given, ordered by their links.
 */
export interface StackRevisionData {
  stack: string;
  version: string;
  source: string;
  registry: string | null;
  expose: string | null;
  variables: Record<string, unknown>;
  metadata: Record<string, unknown>;
  services: StackServiceInput[];
  volumes: StackVolume[];
}

/** Stream `stack-<grid>/<name>`. Creating a stack also creates its services, in their own streams. */
export type StackCreated = DomainEvent<
  'StackCreated',
  StackRevisionData & {
    grid: string;
    name: string;
    parent_name: string | null;
    labels: string[];
    revision: number;
  }
>;
/** A new stack revision, only when a revision attribute changed (kontena-behaviour.md §2). */
export type StackRevisionCreated = DomainEvent<
  'StackRevisionCreated',
  StackRevisionData & { revision: number }
>;
export type StackLabelsChanged = DomainEvent<'StackLabelsChanged', { labels: string[] }>;

/**
 * A stack deploy record in state `created` (kontena-behaviour.md §5). `service_deploys` are the deploys
 * requested in the services' streams, in link order: the reconciler runs them one after another and stops
 * at the first failure. `removed_services` were in the stack but not in the revision and were removed
 * before the deploy was recorded. Progress goes to stream `stackdeploy-<id>` (`deploy/deploy.events.ts`).
 */
export type StackDeployRequested = DomainEvent<
  'StackDeployRequested',
  {
    stack_deploy_id: string;
    stack_revision: number;
    service_deploys: { service: string; deploy_id: string }[];
    removed_services: string[];
  }
>;
export type StackStopRequested = DomainEvent<'StackStopRequested', Record<string, never>>;
export type StackRestartRequested = DomainEvent<'StackRestartRequested', Record<string, never>>;
/**
 * The stack is going away: its services are stopped and removed (dependents first), then `StackRemoved`.
 * A removal that stopped half way is finished by asking again (or by the reconciler).
 */
export type StackRemovalRequested = DomainEvent<'StackRemovalRequested', Record<string, never>>;
export type StackRemoved = DomainEvent<'StackRemoved', { grid: string; name: string }>;

export type StackEvent =
  | StackCreated
  | StackRevisionCreated
  | StackLabelsChanged
  | StackDeployRequested
  | StackStopRequested
  | StackRestartRequested
  | StackRemovalRequested
  | StackRemoved;
