import type { DomainEvent } from '../shared/decider';

/**
 * What the reconciler records about a service's instances, in stream `placement-<grid>/<stack>/<service>`
 * (docs/reconciliation.md): where each instance is placed, at which deploy, in which desired state, and what
 * its agent last reported. The projector builds `doc('instance', …)` from these; the event logs show the
 * agents' instance events and the scheduler's decisions.
 *
 * Decisions (placed, desired state, removed, …) are appended by the reconcile pass with the stream's expected
 * revision; reports (`InstanceStateReported`, `InstanceEventReported`) by the report worker, the same way.
 */

/** Kontena's agent log levels (`EventLog::DEBUG..ERROR`), as agents report them (`@libs/queues` reports). */
export type ReportedSeverity = 'debug' | 'info' | 'warn' | 'error';

export type InstanceDesiredState = 'running' | 'stopped';

/** An agent's view of one instance (`@libs/queues` `InstanceRuntimeState`). */
export type ReportedInstanceState =
  'starting' | 'running' | 'stopped' | 'exited' | 'crashed' | 'restarting' | 'error' | 'removed';

/** Kontena's service pod (`@libs/queues` `ServicePod`) the instance runs: the domain does not depend on queues. */
export type PlacedPod = Readonly<Record<string, unknown>>;

export interface ReportedPort {
  container_port: number;
  host_port: number;
  protocol: string;
}

/**
 * Instance `instance_number` is to run on `node` (`<grid>/<node>`) as deployed by `deploy_rev` (the deploy's
 * id), with the pod that deploy rolls out. A previous placement on another node becomes a copy to remove there.
 */
export type InstancePlaced = DomainEvent<
  'InstancePlaced',
  {
    instance_number: number;
    node: string;
    node_name: string;
    deploy_rev: string;
    desired_state: InstanceDesiredState;
    pod: PlacedPod;
    /** ISO time of the decision: the instance deploy's timeout runs from it. */
    at: string;
  }
>;

/** Stop/start of the service, or a stateful instance on a drained node (kontena-behaviour.md §2 Nodes). */
export type InstanceDesiredStateChanged = DomainEvent<
  'InstanceDesiredStateChanged',
  { instance_number: number; desired_state: InstanceDesiredState }
>;

/**
 * `DELETE …/instances/:id` (request = the service stream revision of the request): the instance loses its
 * node, as Kontena unset `host_node`, and is placed again by the next deploy.
 */
export type InstanceUnplaced = DomainEvent<'InstanceUnplaced', { instance_number: number; request: number }>;

/** Gone: scaled down by a deploy, or the service was removed. Its node is told to remove it. */
export type InstanceRemoved = DomainEvent<'InstanceRemoved', { instance_number: number; reason: string }>;

/**
 * What an agent said happened to an instance, for the event logs: Kontena's RPC `/node_service_pods/event`
 * (kontena-behaviour.md §6), whose `type` is one of `service:create_instance`, `service:start_instance`,
 * `service:stop_instance`, `service:restart_instance`, `service:remove_instance`, `service:instance_crash`,
 * `service:health_check`.
 */
export interface ReportedInstanceEvent {
  type: string;
  severity: ReportedSeverity;
  message: string;
}

/**
 * A change in what an agent reports about an instance (only changes are recorded). `node` is the reporting
 * node's id: a report from a node the instance has left only matters when it says `removed`. When the agent
 * said what happened in the same report (an instance that starts is `running` and "started"),
 * `instance_event` carries it, and no `InstanceEventReported` is recorded for it: one fact, one event.
 */
export type InstanceStateReported = DomainEvent<
  'InstanceStateReported',
  {
    instance_number: number;
    node: string;
    node_name: string;
    deploy_rev: string;
    state: ReportedInstanceState;
    error: string | null;
    exit_code: number | null;
    health: 'healthy' | 'unhealthy' | null;
    ports: ReportedPort[];
    /** ISO time on the agent. */
    reported_at: string;
    instance_event?: ReportedInstanceEvent;
  }
>;

/**
 * Something an agent says happened to an instance (`ReportedInstanceEvent`), recorded as it said it, when it
 * came without a state change to record it with. `node` is the reporting node's name.
 */
export type InstanceEventReported = DomainEvent<
  'InstanceEventReported',
  { instance_number: number; node: string } & ReportedInstanceEvent
>;

/**
 * `POST …/restart` (request = the service stream revision of `ServiceRestartRequested`) was passed on to the
 * agents of these instances; `at` bounds how long the jobs are re-sent after a crash between append and send.
 */
export type RestartRequestForwarded = DomainEvent<
  'RestartRequestForwarded',
  { request: number; instances: number[]; at: string }
>;

/**
 * Why the scheduler loop asked for a deploy of a running stateless service (Kontena's `GridScheduler`):
 * its instances are not where a dry run would put them, some run an older revision, or its deploy
 * `interval` passed. The deploy itself is a `ServiceDeployRequested` (`deploy_id`) in the service's stream,
 * requested right after this is recorded (and again by the next pass if that request was lost).
 */
export type RescheduleReason = 'instances' | 'outdated' | 'interval';
export type ServiceRescheduled = DomainEvent<
  'ServiceRescheduled',
  { reason: RescheduleReason; deploy_id?: string; at?: string }
>;

export type PlacementEvent =
  | InstancePlaced
  | InstanceDesiredStateChanged
  | InstanceUnplaced
  | InstanceRemoved
  | InstanceStateReported
  | InstanceEventReported
  | RestartRequestForwarded
  | ServiceRescheduled;
