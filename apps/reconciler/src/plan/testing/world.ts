/**
 * A small world for plan() tests: the service's stream, deploy streams, the placement stream and agents that
 * do what jobs say, all in memory. `pass()` builds the input the loader would build, runs plan() and applies
 * its outcome the way the reconcile worker does (events appended, then jobs delivered).
 */
import {
  fold,
  placementDecider,
  PlacementEvent,
  PlacementState,
  ReportedInstanceState,
  SERVICE_DEFAULTS,
  ServiceDefinition,
  ServiceEvent,
  StackDeployProgress,
} from '@libs/domain';
import type { AgentJob } from '@libs/queues';
import { STRATEGY_GRACE_PERIOD_MS } from '@libs/scheduler';
import { DeployProgress, deployProgressFold, initialDeployProgress } from '../../state/deploy-progress';
import { desiredServiceFold } from '../../state/desired-service';
import { stackDeployProgressFold, StackDeployState } from '../../state/stack-deploys';
import { plan } from '../plan';
import type { NodeView, Plan, PlanInput, PlanSettings, StackDeployView } from '../plan-types';

export const SETTINGS: PlanSettings = {
  instanceDeployTimeoutMs: 300_000,
  deployTimeoutMs: 30 * 60_000,
  gracePeriodMs: STRATEGY_GRACE_PERIOD_MS,
  pollMs: 2_000,
  rescheduleBackoffMs: 60_000,
  restartResendMs: 60_000,
};

export const T0 = Date.parse('2026-11-22T12:00:00.000Z');

export function node(name: string, overrides: Partial<NodeView> = {}): NodeView {
  return {
    id: `g/${name}`,
    name,
    nodeNumber: Number(name.replace(/\D/g, '')) || 1,
    labels: [],
    availability: 'active',
    connected: true,
    lastSeenMs: T0,
    cpus: 2,
    memory: null,
    volumeDrivers: [],
    containers: [],
    ...overrides,
  };
}

/** What an agent does with an instance it is asked to run. */
export type Behaviour = 'runs' | 'fails' | 'hangs';

interface AgentCopy {
  deployRev: string;
  state: ReportedInstanceState;
}

export class World {
  now = T0;
  serviceEvents: ServiceEvent[] = [];
  placementEvents: PlacementEvent[] = [];
  deployStreams = new Map<string, DeployProgress>();
  stackDeployStreams = new Map<string, StackDeployState>();
  stackMembers = new Map<string, { service: string; deploy_id: string }[]>();
  nodes: NodeView[];
  /** node id → instance number → what runs there. */
  agents = new Map<string, Map<number, AgentCopy>>();
  /** Nodes whose agents do not take jobs (cut off). */
  unreachable = new Set<string>();
  behaviour: (n: number, node: string) => Behaviour = () => 'runs';
  secretsChangedMs: number | null = null;
  lastPlan: Plan | undefined;
  jobsDelivered: { node: string; jobId: string; job: AgentJob }[] = [];
  private ids = 0;

  constructor(
    readonly serviceId = 'g/null/web',
    nodes: NodeView[] = [node('n1'), node('n2'), node('n3')],
  ) {
    this.nodes = nodes;
  }

  get placement(): PlacementState {
    return fold(placementDecider, this.placementEvents);
  }

  create(definition: Partial<ServiceDefinition> = {}): this {
    const [grid, stack, name] = this.serviceId.split('/');
    this.serviceEvents.push({
      type: 'ServiceCreated',
      data: {
        ...SERVICE_DEFAULTS,
        image: 'web:1',
        stateful: false,
        ...definition,
        grid,
        stack,
        name,
        revision: 1,
        stack_revision: null,
      },
    });
    return this;
  }

  deploy(deployId = `d${++this.ids}`, stack_deploy_id: string | null = null): string {
    this.serviceEvents.push({
      type: 'ServiceDeployRequested',
      data: { deploy_id: deployId, stack_deploy_id, force: false, revision: 1 },
    });
    this.deployStreams.set(deployId, initialDeployProgress);
    return deployId;
  }

  scale(instances: number): string {
    this.serviceEvents.push({ type: 'ServiceScaled', data: { instances } });
    return this.deploy();
  }

  service(event: ServiceEvent): this {
    this.serviceEvents.push(event);
    return this;
  }

  input(): PlanInput {
    const desired = fold(desiredServiceFold, this.serviceEvents);
    const requests = desired.deployRequests;
    const unfinished = requests.filter((r) => !this.deployStreams.get(r.deploy_id)?.finished);
    const finished = requests.filter((r) => this.deployStreams.get(r.deploy_id)?.finished);
    const last = finished[finished.length - 1];
    const current = unfinished[0];
    let stackDeploy: StackDeployView | null = null;
    if (current?.stack_deploy_id) {
      const id = current.stack_deploy_id;
      const members = this.stackMembers.get(id);
      stackDeploy = {
        id,
        members: members
          ? members.map((m) => ({
              ...m,
              progress: this.deployStreams.get(m.deploy_id) ?? initialDeployProgress,
            }))
          : null,
        progress: this.stackDeployStreams.get(id) ?? stackDeployProgressFold.initialState,
      };
    }
    return {
      serviceId: this.serviceId,
      now: this.now,
      desired,
      placement: this.placement,
      deploys: unfinished.map((request) => ({
        request,
        progress: this.deployStreams.get(request.deploy_id)!,
      })),
      stackDeploy,
      nodes: this.nodes,
      secretsChangedMs: this.secretsChangedMs,
      lastFinishedDeploy: last
        ? { deploy_id: last.deploy_id, state: this.deployStreams.get(last.deploy_id)!.finished!.state }
        : null,
      defaultAffinity: [],
      freshDeployId: `s${++this.ids}`,
      settings: SETTINGS,
    };
  }

  /** One pass: plan, append, deliver jobs; agents report back at once. */
  pass(): Plan {
    const out = plan(this.input());
    this.lastPlan = out;
    for (const [id, { version, events }] of out.deployEvents) {
      const before = this.deployStreams.get(id) ?? initialDeployProgress;
      if (before.version !== version)
        throw new Error(`deploy ${id}: planned on version ${version}, stream at ${before.version}`);
      this.deployStreams.set(id, events.reduce(deployProgressFold.evolve, before));
    }
    for (const [id, { events }] of out.stackDeployEvents) {
      const before = this.stackDeployStreams.get(id) ?? stackDeployProgressFold.initialState;
      this.stackDeployStreams.set(
        id,
        events.reduce(
          (s: StackDeployState, e: StackDeployProgress) => stackDeployProgressFold.evolve(s, e),
          before,
        ),
      );
    }
    this.placementEvents.push(...out.placementEvents);
    for (const request of out.deployRequests) this.deploy(request.deploy_id);
    for (const job of out.jobs) this.deliver(job);
    return out;
  }

  /** Passes until nothing is left to do (or `limit`), letting `stepMs` pass between them. */
  settle(limit = 50, stepMs = 1_000): this {
    for (let i = 0; i < limit; i++) {
      const out = this.pass();
      const idle =
        out.deployEvents.size === 0 &&
        out.placementEvents.length === 0 &&
        out.deployRequests.length === 0 &&
        out.requeueAfterMs === null &&
        out.jobs.every((j) => this.unreachable.has(j.node));
      if (idle) return this;
      this.now += stepMs;
    }
    return this;
  }

  private deliver(planned: { node: string; jobId: string; job: AgentJob }): void {
    if (this.unreachable.has(planned.node)) return;
    if (this.jobsDelivered.some((j) => j.node === planned.node && j.jobId === planned.jobId)) return; // BullMQ drops a known id
    this.jobsDelivered.push(planned);
    const copies = this.agents.get(planned.node) ?? new Map<number, AgentCopy>();
    this.agents.set(planned.node, copies);
    const job = planned.job;
    if (job.kind === 'ensure-instance') {
      const { instanceNumber: n, deployRev, desiredState } = job.assignment;
      let state: ReportedInstanceState = desiredState === 'stopped' ? 'stopped' : 'running';
      if (desiredState === 'running') {
        const behaviour = this.behaviour(n, planned.node);
        if (behaviour === 'fails') state = 'error';
        if (behaviour === 'hangs') state = 'starting';
      }
      copies.set(n, { deployRev, state });
      this.report(planned.node, n, deployRev, state);
    } else if (job.kind === 'remove-instance') {
      const n = Number(job.instanceId.split('/').pop());
      copies.delete(n);
      this.report(planned.node, n, job.deployRev, 'removed');
    }
  }

  report(nodeId: string, n: number, deployRev: string, state: ReportedInstanceState): void {
    const decision = placementDecider.decide(
      {
        type: 'RecordInstanceReport',
        data: {
          instance_number: n,
          node: nodeId,
          node_name: nodeId.split('/')[1],
          deploy_rev: deployRev,
          state,
          error: state === 'error' ? 'exited with code 1: boom' : null,
          exit_code: state === 'error' ? 1 : null,
          health: null,
          ports: [],
          reported_at: new Date(this.now).toISOString(),
        },
      },
      this.placement,
      { now: new Date(this.now), actor: { kind: 'system', component: 'test' } },
    );
    if (Array.isArray(decision)) this.placementEvents.push(...decision);
  }

  deployOf(id: string): DeployProgress {
    return this.deployStreams.get(id)!;
  }

  /** Nodes (reachable ones) whose agent runs instance `n`. */
  runningOn(n: number): string[] {
    return [...this.agents.entries()]
      .filter(([nodeId, copies]) => !this.unreachable.has(nodeId) && copies.get(n)?.state === 'running')
      .map(([nodeId]) => nodeId);
  }
}
