import type { DeployStreamEvent, PlacementEvent, PlacementState, StackDeployProgress } from '@libs/domain';
import type { AgentJob } from '@libs/queues';
import type { PlacedContainer, StrategyName } from '@libs/scheduler';
import type { DeployProgress } from '../state/deploy-progress';
import type { DeployRequest, DesiredService } from '../state/desired-service';
import type { StackDeployState } from '../state/stack-deploys';

/** A node of the service's grid as a pass sees it (read models and heartbeats: eventual consistency is fine). */
export interface NodeView {
  /** `<grid>/<node>`. */
  id: string;
  name: string;
  nodeNumber: number;
  labels: readonly string[];
  availability: 'active' | 'drain';
  connected: boolean;
  /** Epoch ms of the agent's last heartbeat (or connection), null if never seen. */
  lastSeenMs: number | null;
  cpus: number | null;
  memory: { total: number; used: number; cached: number; buffers: number } | null;
  volumeDrivers: readonly string[];
  /** Instances of *other* services on the node (the scheduler's port, affinity and dependency filters). */
  containers: readonly PlacedContainer[];
}

/** An unfinished deploy of this service, oldest first: the first is the one that runs (one at a time). */
export interface DeployView {
  request: DeployRequest;
  progress: DeployProgress;
}

/** The stack deploy the current deploy belongs to: its member deploys in link order and its own progress. */
export interface StackDeployView {
  id: string;
  /** Null while the stack's stream has not recorded it (the api records it after the service deploys). */
  members: readonly { service: string; deploy_id: string; progress: DeployProgress }[] | null;
  progress: StackDeployState;
}

export interface PlanSettings {
  /** Kontena: 300 s for an instance to report running at the deploy's revision. */
  instanceDeployTimeoutMs: number;
  /** Kontena: 30 min for a whole deploy. */
  deployTimeoutMs: number;
  /** How long an offline node still counts as hosting its instances, per strategy (`STRATEGY_GRACE_PERIOD_MS`). */
  gracePeriodMs: Readonly<Record<StrategyName, number>>;
  /** While waiting on agents, how soon to look again (reports also trigger passes). */
  pollMs: number;
  /** After a deploy the scheduler loop requested failed, how long it waits before requesting another. */
  rescheduleBackoffMs: number;
  /** How long after a restart request its jobs are sent again (they are deduplicated by id meanwhile). */
  restartResendMs: number;
}

export interface PlanInput {
  serviceId: string;
  now: number;
  desired: DesiredService;
  placement: PlacementState;
  deploys: readonly DeployView[];
  stackDeploy: StackDeployView | null;
  nodes: readonly NodeView[];
  /** Latest change (epoch ms) of the secrets the service refers to; instances placed before it run stale values. */
  secretsChangedMs: number | null;
  /** The service's newest finished deploy: the scheduler loop does not insist on one it requested that failed. */
  lastFinishedDeploy: { deploy_id: string; state: 'success' | 'error' } | null;
  /** The grid's default affinity (applies when the service has none). */
  defaultAffinity: readonly string[];
  /** A fresh id, used only if the scheduler loop requests a deploy (plans are pure: no randomness inside). */
  freshDeployId: string;
  settings: PlanSettings;
}

/** One job for one node's queue, with its deterministic id (`@libs/queues` `jobIds`). */
export interface PlannedJob {
  node: string;
  jobId: string;
  job: AgentJob;
}

export interface Plan {
  /** Per `deploy-<id>` stream, with the version the events were decided on (expected revision). */
  deployEvents: Map<string, { version: number; events: DeployStreamEvent[] }>;
  stackDeployEvents: Map<string, { version: number; events: StackDeployProgress[] }>;
  placementEvents: PlacementEvent[];
  /** The placement stream's version the events were decided on (expected revision). */
  placementVersion: number;
  /** Deploys the scheduler loop requests in the service's stream. */
  deployRequests: { deploy_id: string; force: boolean }[];
  jobs: PlannedJob[];
  /** Services to reconcile next (the next service of a stack deploy). */
  reconcileAlso: string[];
  /** Look again after this long (null: nothing to wait for; the resync still comes by). */
  requeueAfterMs: number | null;
}
