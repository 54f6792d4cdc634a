import type { DomainEvent } from '../shared/decider';
import type { ServiceChanges, ServiceDefinition } from './service.definition';

/**
 * A service's history, in stream `service-<grid>/<stack>/<name>`. `revision` is Kontena's service revision
 * (not the stream revision): it starts at 1 and moves when what instances run changes (kontena-behaviour.md §2).
 */
export type ServiceCreated = DomainEvent<
  'ServiceCreated',
  ServiceDefinition & {
    grid: string;
    stack: string;
    name: string;
    revision: number;
    stack_revision: number | null;
  }
>;

/**
 * Only the attributes that changed. `revision` is the revision after the update (moved when something
 * changed or the update was forced); a stack deploy may only record the stack revision it applied.
 */
export type ServiceUpdated = DomainEvent<
  'ServiceUpdated',
  { changes: ServiceChanges; revision: number; stack_revision?: number }
>;

/** `instances` changed by a scale request; the revision stays (Kontena: scale does not bump it). */
export type ServiceScaled = DomainEvent<'ServiceScaled', { instances: number }>;

/**
 * A deploy record was created in state `created` (kontena-behaviour.md §5); the service's desired state is
 * now `running`. The reconciler runs it and appends its progress to stream `deploy-<deploy_id>` (see
 * `deploy/deploy.events.ts`). `revision` is the service revision after the request (moved when `force`).
 * `stack_deploy_id` links it to a stack deploy, which runs its service deploys one after another.
 */
export type ServiceDeployRequested = DomainEvent<
  'ServiceDeployRequested',
  { deploy_id: string; stack_deploy_id: string | null; force: boolean; revision: number }
>;

export type ServiceStarted = DomainEvent<'ServiceStarted', Record<string, never>>;
export type ServiceStopped = DomainEvent<'ServiceStopped', Record<string, never>>;
/** Instances are to be restarted in place; nothing about the service changes. */
export type ServiceRestartRequested = DomainEvent<'ServiceRestartRequested', Record<string, never>>;

/** `POST …/envs`: sets one variable (`KEY=value`). */
export type ServiceEnvAdded = DomainEvent<'ServiceEnvAdded', { env: string; revision: number }>;
/** `DELETE …/envs/:key`: drops every entry of the key. */
export type ServiceEnvRemoved = DomainEvent<'ServiceEnvRemoved', { key: string; revision: number }>;

/** `DELETE …/instances/:id`: the instance loses its node, so the scheduler places it again. */
export type ServiceInstanceRescheduleRequested = DomainEvent<
  'ServiceInstanceRescheduleRequested',
  { instance_number: number }
>;

export type ServiceRemoved = DomainEvent<'ServiceRemoved', { grid: string; stack: string; name: string }>;

export type ServiceEvent =
  | ServiceCreated
  | ServiceUpdated
  | ServiceScaled
  | ServiceDeployRequested
  | ServiceStarted
  | ServiceStopped
  | ServiceRestartRequested
  | ServiceEnvAdded
  | ServiceEnvRemoved
  | ServiceInstanceRescheduleRequested
  | ServiceRemoved;
