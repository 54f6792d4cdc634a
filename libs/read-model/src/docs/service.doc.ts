import type { DeployState, ServiceDefinition, ServiceRunState } from '@libs/domain';

/**
 * `doc('service', '<grid>/<stack>/<name>')` (the `null` stack for stack-less services): the service's
 * attributes under Kontena's names. Listed in `gridIndexes.services(grid)` and
 * `crossIndexes.stackServices(grid, stack)`, scored by creation time (Kontena lists newest first).
 */
export interface ServiceDoc extends ServiceDefinition {
  id: string;
  grid: string;
  stack: string;
  name: string;
  state: ServiceRunState;
  revision: number;
  stack_revision: number | null;
  deploy_requested_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface InstanceDeployDoc {
  instance_number: number;
  /** Node name. */
  node: string | null;
  state: DeployState;
  error: string | null;
}

/**
 * `doc('deploy', id)`: a service deploy (kontena-behaviour.md §5), created by `ServiceDeployRequested` and
 * moved on by the progress events in stream `deploy-<id>` (`@libs/domain` deploy events). Listed in
 * `crossIndexes.serviceDeploys(serviceId)`.
 */
export interface DeployDoc {
  id: string;
  service_id: string;
  stack_deploy_id: string | null;
  force: boolean;
  /** The service revision the deploy was requested for. */
  revision: number;
  created_at: string;
  queued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  state: DeployState;
  reason: string | null;
  instance_deploys: InstanceDeployDoc[];
}

/**
 * How `doc('deploy', id)` is stored: without its instance deploys, which are fields of
 * `hash(DEPLOY_INSTANCES, id)` (one per instance number). A deploy of 500 instances rewritten whole for each of
 * its ~1,000 instance events was most of what the projector wrote and Redis parsed (docs/benchmarks.md).
 * `ReadModelReader.deploys` puts the two together.
 */
export type StoredDeployDoc = Omit<DeployDoc, 'instance_deploys'>;

export const DEPLOY_INSTANCES = 'deploy-instances';

/**
 * Finished deploys kept per service (Kontena's `DeploymentCleanupJob` keeps the last 100): the projector removes
 * older ones, documents and instance deploys, as the next one finishes. Unfinished deploys are never removed.
 */
export const FINISHED_DEPLOYS_KEPT = 100;

/** A field of `hash(DEPLOY_INSTANCES, id)`: `seq` (the revision of the event that started it) orders them. */
export interface StoredInstanceDeploy extends InstanceDeployDoc {
  seq: number;
}

/**
 * `doc('instance', '<service id>/<n>')`: one service instance as the reconciler sees it (Kontena's
 * `GridServiceInstance`), projected from the reconciler's `placement-<service id>` stream (placement, desired
 * state, deploy_rev, node, reported state, health, error). Listed in `serviceIndexes.instances(serviceId)`
 * (score: instance number) and in `crossIndexes.nodeInstances(nodeId)` while placed on a node; the API only
 * reads it. The fields after `updated_at` are the reconciler's own and not part of Kontena's JSON.
 */
export interface ServiceInstanceDoc {
  id: string;
  instance_number: number;
  /** `initialized` until placed, then `running` / `stopped`. */
  desired_state: string;
  /** What its node last reported (`initialized` before any report). */
  state: string;
  /** The deploy that placed it. */
  deploy_rev: string | null;
  /** The deploy its node reports running (Kontena's `rev`). */
  rev: string | null;
  error: string | null;
  /** `id` is the node's path `<grid>/<node>` (Kontena's `to_path`). */
  node: { id: string; name: string; public_ip: string | null } | null;
  /** `healthy` / `unhealthy` when the service has a health check and the agent reported one. */
  health_status: 'healthy' | 'unhealthy' | null;
  created_at: string;
  updated_at: string;
  service_id: string;
  /** Container name (`<stack>.<service>-<n>`), matched by `container==` affinities. */
  name: string;
  /** Node ports the instance publishes (the scheduler's port filter). */
  node_ports: number[];
  /** Where its container ports answer on its node, as reported. */
  ports: { container_port: number; host_port: number; protocol: string }[];
  exit_code: number | null;
}

/**
 * `doc('pod', '<service id>/<n>')`: what the instance's node is to run, as the reconciler decided it (an
 * `@libs/queues` `InstanceAssignment`: the deploy's pod and the desired state). Node agents pull the pods of
 * their node (`crossIndexes.nodeInstances`) through the api, so a lost job or a restarted machine converges.
 */
export interface InstancePodDoc {
  instanceId: string;
  serviceId: string;
  instanceNumber: number;
  deployRev: string;
  desiredState: 'running' | 'stopped';
  pod: Record<string, unknown>;
}

export const serviceIndexes = {
  /** Instance ids (`<service id>/<n>`) of a service, scored by instance number; written by issue 4. */
  instances: (serviceId: string) => `service:${serviceId}:instances`,
};
