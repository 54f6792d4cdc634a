import type { DomainEvent } from '../shared/decider';

/**
 * Deploy progress (kontena-behaviour.md §5), the contract with the reconciler. A deploy is *requested* in
 * its service's stream (`ServiceDeployRequested`, state `created`) so the API can answer with it at once;
 * whoever runs it appends its progress to stream `deploy-<deploy_id>`:
 *
 *   ServiceDeployQueued?  →  ServiceDeployStarted  →  (InstanceDeployStarted → InstanceDeployFinished)*
 *                         →  ServiceDeployFinished { state: success | error, reason }
 *   or, without ever starting:  ServiceDeployAborted { reason }   (e.g. "service is not running")
 *
 * A stack deploy is requested in the stack's stream (`StackDeployRequested`); its progress goes to stream
 * `stackdeploy-<stack_deploy_id>`: `StackDeployStarted`, then `StackDeployFinished`.
 * The services and stacks projections turn these into the deploy JSON; times come from event metadata.
 */
export type DeployState = 'created' | 'ongoing' | 'success' | 'error';

/** Picked up by a worker (`queued_at`). */
export type ServiceDeployQueued = DomainEvent<'ServiceDeployQueued', Record<string, never>>;
/** Running (`started_at`, state `ongoing`). */
export type ServiceDeployStarted = DomainEvent<'ServiceDeployStarted', Record<string, never>>;
/**
 * One instance is being deployed to `node` (a node name), state `ongoing`; `deploy_rev` is what its agent
 * must report running for it to count as deployed (docs/reconciliation.md).
 */
export type InstanceDeployStarted = DomainEvent<
  'InstanceDeployStarted',
  { instance_number: number; node: string; deploy_rev: string }
>;
export type InstanceDeployFinished = DomainEvent<
  'InstanceDeployFinished',
  { instance_number: number; state: 'success' | 'error'; error: string | null }
>;
/** Done (`finished_at`); `reason` says why an `error` happened, in words a person can act on. */
export type ServiceDeployFinished = DomainEvent<
  'ServiceDeployFinished',
  { state: 'success' | 'error'; reason: string | null }
>;
/** Finished without starting: state `error` with the reason. */
export type ServiceDeployAborted = DomainEvent<'ServiceDeployAborted', { reason: string }>;

export type ServiceDeployProgress =
  | ServiceDeployQueued
  | ServiceDeployStarted
  | InstanceDeployStarted
  | InstanceDeployFinished
  | ServiceDeployFinished
  | ServiceDeployAborted;

export type StackDeployStarted = DomainEvent<'StackDeployStarted', Record<string, never>>;
export type StackDeployFinished = DomainEvent<
  'StackDeployFinished',
  { state: 'success' | 'error'; reason: string | null }
>;

export type StackDeployProgress = StackDeployStarted | StackDeployFinished;

/**
 * The reconciler's plan for a deploy it started (docs/reconciliation.md), appended with
 * `ServiceDeployStarted`: Kontena's deployer walks instances 1..count with one scheduler pass, so the pass
 * is made once and recorded, and the instance deploys follow it across reconcile passes. `service` is the
 * service as deployed (a `ServiceDoc`), from which every instance's pod is built; `unschedulable` is the
 * first instance no node could take (the deploy fails when it gets there, as Kontena's did).
 * The read models ignore it; it is the reconciler's own record.
 */
export type ServiceDeployScheduled = DomainEvent<
  'ServiceDeployScheduled',
  {
    at: string;
    instance_count: number;
    placements: { instance_number: number; node: string; node_name: string }[];
    unschedulable: { instance_number: number; reason: string } | null;
    service: Readonly<Record<string, unknown>>;
  }
>;

/** Everything in a `deploy-<id>` stream. */
export type DeployStreamEvent = ServiceDeployProgress | ServiceDeployScheduled;
