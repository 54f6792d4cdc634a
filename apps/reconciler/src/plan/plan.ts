import {
  ActiveService,
  DeployStreamEvent,
  InstanceDesiredState,
  PlacedInstance,
  placementDecider,
  PlacementEvent,
  PlacementState,
  ReportedInstanceState,
  ServiceDeployScheduled,
  StackDeployProgress,
} from '@libs/domain';
import { instanceAssignment, instanceId as instanceIdOf, jobIds } from '@libs/queues';
import type { ServiceDoc } from '@libs/read-model';
import { DeployProgress, deployProgressFold } from '../state/deploy-progress';
import { activeService, serviceDocOf } from '../state/desired-service';
import type { DeployView, NodeView, Plan, PlanInput, StackDeployView } from './plan-types';
import { scheduleOn } from './scheduling';

/**
 * One reconcile pass for one service, as a pure function (docs/reconciliation.md): from desired state (the
 * service's stream), deploy progress, placement and reports, what to record and what to ask of agents.
 *
 * - **Deploys** (kontena-behaviour.md §5): the oldest unfinished deploy runs; instances are deployed in
 *   instance order along one scheduler pass recorded when the deploy starts, at most
 *   `floor(count × (1 − min_health))` at a time (at least 1, at most 20); an instance is deployed when its
 *   node reports it running at the deploy's revision; a failed or timed-out instance, or one no node can
 *   take, fails the deploy once nothing is in flight any more.
 * - **Placement** follows: what the deploy started is placed; instances above the count are removed; stop,
 *   start, drain (stateful instances stop on a drained node), restart and reschedule requests.
 * - **Scheduler loop** (Kontena's `GridScheduler`): a running stateless service with no deploy under way
 *   gets a new deploy when its instances are not where a dry run would put them, when a secret it uses
 *   changed after some instance started, or when its deploy interval passed.
 * - **Jobs** are derived from the placement every time (level-triggered): an `ensure-instance` while the
 *   placed node does not report what is wanted, a `remove-instance` while a node it left still has a copy.
 *   Ids are deterministic, so repeating a pass (or running two reconcilers) sends nothing twice.
 *
 * Nothing here reads a clock, draws a random number or does I/O: `input.now` and `input.freshDeployId` say it all.
 */
export function plan(input: PlanInput): Plan {
  const pass = new Pass(input);
  const service = activeService(input.desired);
  if (service) {
    const current = input.deploys[0];
    if (current) pass.runDeploy(service, current);
    pass.followPlacement(service);
    if (input.deploys.length === 0) pass.checkSchedule(service);
  } else {
    pass.settleRemovedService();
  }
  pass.sendJobs();
  return pass.result();
}

/** `floor(count × (1 − min_health))` in flight, at least 1, at most 20 (`GridServiceDeployer`). */
export function deployThrottle(count: number, minHealth: number | null): number {
  // Kontena computed 1.0 − 0.8 in floating point (0.1999…), so 10 instances ran one at a time instead of the
  // two its documentation promised; the small epsilon gives the documented answer.
  const parallel = Math.floor(count * (1 - (minHealth ?? 0.8)) + 1e-9);
  return Math.max(1, Math.min(20, parallel));
}

/** Whether the state a node reports is what the placement wants, or the agent is getting there by itself. */
export function reportSatisfies(desired: InstanceDesiredState, reported: ReportedInstanceState): boolean {
  return desired === 'running'
    ? ['running', 'starting', 'restarting', 'crashed', 'error'].includes(reported)
    : ['stopped', 'exited'].includes(reported);
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

class Pass {
  private readonly out: Plan = {
    deployEvents: new Map(),
    stackDeployEvents: new Map(),
    placementEvents: [],
    placementVersion: 0,
    deployRequests: [],
    jobs: [],
    reconcileAlso: [],
    requeueAfterMs: null,
  };
  private placement: PlacementState;
  private readonly progress = new Map<string, DeployProgress>();
  private readonly nodes: Map<string, NodeView>;
  private readonly id: string;

  constructor(private readonly input: PlanInput) {
    this.placement = input.placement;
    this.out.placementVersion = input.placement.version;
    this.nodes = new Map(input.nodes.map((n) => [n.id, n]));
    this.id = input.serviceId;
    for (const view of input.deploys) this.progress.set(view.request.deploy_id, view.progress);
    for (const member of input.stackDeploy?.members ?? []) {
      if (!this.progress.has(member.deploy_id)) this.progress.set(member.deploy_id, member.progress);
    }
  }

  result(): Plan {
    return this.out;
  }

  // ---------------------------------------------------------------------------------------------------
  // Recording: every event is folded at once, so later decisions in the pass see it.
  // ---------------------------------------------------------------------------------------------------

  private deployEvent(deployId: string, event: DeployStreamEvent): DeployProgress {
    const before = this.progress.get(deployId)!;
    const entry = this.out.deployEvents.get(deployId) ?? { version: before.version, events: [] };
    if (entry.events.length === 0) entry.version = before.version;
    entry.events.push(event);
    this.out.deployEvents.set(deployId, entry);
    const after = deployProgressFold.evolve(before, event);
    this.progress.set(deployId, after);
    return after;
  }

  private stackDeployEvent(view: StackDeployView, event: StackDeployProgress): void {
    const entry = this.out.stackDeployEvents.get(view.id) ?? { version: view.progress.version, events: [] };
    entry.events.push(event);
    this.out.stackDeployEvents.set(view.id, entry);
  }

  private stackDeployStarted(view: StackDeployView): boolean {
    return (
      view.progress.started ||
      !!this.out.stackDeployEvents.get(view.id)?.events.some((e) => e.type === 'StackDeployStarted')
    );
  }

  private stackDeployFinished(view: StackDeployView): boolean {
    return (
      !!view.progress.finished ||
      !!this.out.stackDeployEvents.get(view.id)?.events.some((e) => e.type === 'StackDeployFinished')
    );
  }

  private place(event: PlacementEvent): void {
    this.out.placementEvents.push(event);
    this.placement = placementDecider.evolve(this.placement, event);
  }

  private requeue(ms: number): void {
    const wait = Math.max(0, Math.ceil(ms));
    this.out.requeueAfterMs =
      this.out.requeueAfterMs === null ? wait : Math.min(this.out.requeueAfterMs, wait);
  }

  private at(): string {
    return new Date(this.input.now).toISOString();
  }

  // ---------------------------------------------------------------------------------------------------
  // Deploys (kontena-behaviour.md §5).
  // ---------------------------------------------------------------------------------------------------

  runDeploy(service: ActiveService, view: DeployView): void {
    const deployId = view.request.deploy_id;
    let progress = this.progress.get(deployId)!;
    const stack = this.stackOf(view);

    if (stack) {
      const members = stack.view.members;
      if (members === null || stack.index < 0) {
        // The api records a stack deploy after its service deploys; a request it never recorded (the api
        // stopped half way) only blocks this service until a newer deploy replaces it.
        if (this.input.deploys.length > 1) {
          this.abort(
            view,
            `stack deploy ${stack.view.id} was never recorded; a newer deploy replaces this one`,
          );
          this.requeue(0);
          return;
        }
        if (!progress.queued) this.deployEvent(deployId, { type: 'ServiceDeployQueued', data: {} });
        this.requeue(this.input.settings.pollMs);
        return;
      }
      const before = members.slice(0, stack.index);
      const failed = before.find((m) => this.progress.get(m.deploy_id)?.finished?.state === 'error');
      if (failed || this.stackDeployFinished(stack.view)) {
        this.abort(
          view,
          `halting stack deploy: deploy of service ${failed?.service ?? 'an earlier service'} failed`,
        );
        return;
      }
      if (before.some((m) => !this.progress.get(m.deploy_id)?.finished)) {
        // Stack deploys run their services one after another, in link order (§5 `StackDeployWorker`).
        if (!progress.queued) this.deployEvent(deployId, { type: 'ServiceDeployQueued', data: {} });
        this.requeue(this.input.settings.pollMs);
        return;
      }
      if (!this.stackDeployStarted(stack.view))
        this.stackDeployEvent(stack.view, { type: 'StackDeployStarted', data: {} });
    }

    if (!progress.queued) progress = this.deployEvent(deployId, { type: 'ServiceDeployQueued', data: {} });
    if (!progress.started) {
      if (service.state !== 'running') {
        this.abort(view, 'service is not running');
        return;
      }
      progress = this.deployEvent(deployId, { type: 'ServiceDeployStarted', data: {} });
    }
    if (!progress.scheduled)
      progress = this.deployEvent(deployId, {
        type: 'ServiceDeployScheduled',
        data: this.scheduleDeploy(service, deployId),
      });
    if (progress.finished) return;
    this.advanceDeploy(service, view, progress.scheduled!);
  }

  private stackOf(view: DeployView): { view: StackDeployView; index: number } | null {
    const stackDeployId = view.request.stack_deploy_id;
    if (!stackDeployId) return null;
    const stack = this.input.stackDeploy;
    if (!stack || stack.id !== stackDeployId) {
      return {
        view: { id: stackDeployId, members: null, progress: { version: 0, started: false, finished: null } },
        index: -1,
      };
    }
    return {
      view: stack,
      index: stack.members?.findIndex((m) => m.deploy_id === view.request.deploy_id) ?? -1,
    };
  }

  /** One scheduler pass over instances 1..count on the connected nodes, recorded with the service as deployed. */
  private scheduleDeploy(service: ActiveService, deployId: string): ServiceDeployScheduled['data'] {
    const candidates = this.input.nodes.filter((n) => n.connected);
    const result = scheduleOn(
      this.id,
      service,
      candidates,
      this.previousPlacements(),
      this.input.defaultAffinity,
      deployId,
    );
    return {
      at: this.at(),
      instance_count: result.instanceCount,
      placements: result.placements.map((p) => ({
        instance_number: p.instanceNumber,
        node: p.nodeId,
        node_name: this.nodes.get(p.nodeId)?.name ?? p.nodeId,
      })),
      unschedulable: result.ok ? null : { instance_number: result.instanceNumber, reason: result.reason },
      service: serviceDocOf(this.id, service) as unknown as Record<string, unknown>,
    };
  }

  /** Where this service's instances are, on nodes that still exist (a removed node frees its instances, §4). */
  private previousPlacements(): Map<number, string> {
    const previous = new Map<number, string>();
    for (const instance of this.placement.instances.values()) {
      if (instance.node && this.nodes.has(instance.node))
        previous.set(instance.instance_number, instance.node);
    }
    return previous;
  }

  private advanceDeploy(
    service: ActiveService,
    view: DeployView,
    scheduled: ServiceDeployScheduled['data'],
  ): void {
    const deployId = view.request.deploy_id;
    const { now, settings } = this.input;
    const halt = (reason: string, instanceError: string) => {
      for (const instance of this.progress.get(deployId)!.instances.values()) {
        if (instance.state === 'ongoing') {
          this.deployEvent(deployId, {
            type: 'InstanceDeployFinished',
            data: { instance_number: instance.instance_number, state: 'error', error: instanceError },
          });
        }
      }
      this.finish(view, 'error', reason);
    };

    if (now - Date.parse(scheduled.at) > settings.deployTimeoutMs) {
      const minutes = Math.round(settings.deployTimeoutMs / 60_000);
      halt(`halting deploy of ${this.id}, deploy timed out after ${minutes} minutes`, 'the deploy timed out');
      return;
    }
    if (service.state !== 'running') {
      halt(
        `halting deploy of ${this.id}, desired state has changed`,
        'the deploy was halted: desired state has changed',
      );
      return;
    }

    const count = scheduled.instance_count;
    const nodeOf = new Map(scheduled.placements.map((p) => [p.instance_number, p]));
    let pending = 0;
    let nextDeadline = Infinity;
    let failure: string | null = null;

    for (let n = 1; n <= count; n++) {
      const instanceDeploy = this.progress.get(deployId)!.instances.get(n);
      if (!instanceDeploy) continue;
      if (instanceDeploy.state === 'ongoing') {
        const target = nodeOf.get(n);
        const placed = this.placement.instances.get(n);
        const here =
          placed && target && placed.deploy_rev === deployId && placed.node === target.node ? placed : null;
        const outcome = here ? this.instanceOutcome(here, deployId, target!.node_name) : null;
        if (outcome) {
          this.deployEvent(deployId, {
            type: 'InstanceDeployFinished',
            data: { instance_number: n, ...outcome },
          });
        } else {
          pending++;
          if (here)
            nextDeadline = Math.min(
              nextDeadline,
              Date.parse(here.placed_at) + settings.instanceDeployTimeoutMs,
            );
        }
      }
      const settled = this.progress.get(deployId)!.instances.get(n)!;
      if (settled.state === 'error' && failure === null)
        failure = `instance ${n}: ${settled.error ?? 'failed'}`;
    }

    let reason: string | null =
      failure === null ? null : `halting deploy of ${this.id}, one or more instances failed: ${failure}`;
    if (reason === null) {
      const limit = deployThrottle(count, service.deploy_opts.min_health);
      for (let n = 1; n <= count && pending < limit; n++) {
        if (this.progress.get(deployId)!.instances.has(n)) continue;
        const target = nodeOf.get(n);
        if (!target) {
          const why = scheduled.unschedulable?.reason ?? 'There are no nodes available';
          reason = `Cannot find applicable node for service instance ${this.id}-${n}: ${why}`;
          break;
        }
        this.deployEvent(deployId, {
          type: 'InstanceDeployStarted',
          data: { instance_number: n, node: target.node_name, deploy_rev: deployId },
        });
        const node = this.nodes.get(target.node);
        if (!node?.connected) {
          // Kontena's instance deployer refuses a node that went away since the deploy started.
          const error = `Host node ${target.node_name} is ${node ? 'offline' : 'missing'}`;
          this.deployEvent(deployId, {
            type: 'InstanceDeployFinished',
            data: { instance_number: n, state: 'error', error },
          });
          reason = `halting deploy of ${this.id}, one or more instances failed: instance ${n}: ${error}`;
          break;
        }
        this.placeForDeploy(service, scheduled, n, deployId);
        pending++;
        nextDeadline = Math.min(nextDeadline, now + settings.instanceDeployTimeoutMs);
      }
    }

    if (pending > 0) {
      this.requeue(Math.min(settings.pollMs, nextDeadline - now));
      return;
    }
    // Instances above the count are removed when the deploy starts; the deploy ends only once that is recorded,
    // so a pass that stopped between its appends cannot leave them running after the deploy is over.
    if ([...this.input.placement.instances.keys()].some((n) => n > count)) {
      this.requeue(0);
      return;
    }
    if (reason !== null) {
      this.finish(view, 'error', reason);
      return;
    }
    const instances = this.progress.get(deployId)!.instances;
    const done = Array.from({ length: count }, (_, i) => instances.get(i + 1)).every(
      (i) => i?.state === 'success',
    );
    if (done) this.finish(view, 'success', null);
    else this.requeue(0);
  }

  /** Success when the node reports it running at this deploy's revision; error on a failed start or time-out. */
  private instanceOutcome(
    placed: PlacedInstance,
    deployId: string,
    nodeName: string,
  ): { state: 'success' | 'error'; error: string | null } | null {
    if (placed.reported?.deploy_rev === deployId && placed.reported.state === 'running')
      return { state: 'success', error: null };
    if (placed.last_error?.deploy_rev === deployId) return { state: 'error', error: placed.last_error.error };
    const timeout = this.input.settings.instanceDeployTimeoutMs;
    if (this.input.now - Date.parse(placed.placed_at) > timeout) {
      return {
        state: 'error',
        error: `service instance ${this.id}-${placed.instance_number} did not report running on node ${nodeName} within ${seconds(timeout)}`,
      };
    }
    return null;
  }

  private placeForDeploy(
    service: ActiveService,
    scheduled: ServiceDeployScheduled['data'],
    n: number,
    deployId: string,
  ): void {
    const target = scheduled.placements.find((p) => p.instance_number === n)!;
    const placed = this.placement.instances.get(n);
    if (placed && placed.node === target.node && placed.deploy_rev === deployId) return;
    const desired = this.desiredStateOf(service, target.node);
    const snapshot = scheduled.service as unknown as ServiceDoc;
    this.place({
      type: 'InstancePlaced',
      data: {
        instance_number: n,
        node: target.node,
        node_name: target.node_name,
        deploy_rev: deployId,
        desired_state: desired,
        pod: instanceAssignment(snapshot, n, deployId, desired).pod as unknown as Record<string, unknown>,
        at: this.at(),
      },
    });
  }

  private finish(view: DeployView, state: 'success' | 'error', reason: string | null): void {
    this.deployEvent(view.request.deploy_id, { type: 'ServiceDeployFinished', data: { state, reason } });
    this.settleStack(view, state, reason);
  }

  private abort(view: DeployView, reason: string): void {
    this.deployEvent(view.request.deploy_id, { type: 'ServiceDeployAborted', data: { reason } });
    this.settleStack(view, 'error', reason);
  }

  /** A stack deploy goes on with the next service, or stops at the first failure (§5 `StackDeployWorker`). */
  private settleStack(view: DeployView, state: 'success' | 'error', reason: string | null): void {
    const stack = this.stackOf(view);
    if (!stack || stack.view.members === null || stack.index < 0) return;
    const members = stack.view.members;
    const started = this.stackDeployStarted(stack.view);
    const finished = this.stackDeployFinished(stack.view);
    if (state === 'success') {
      const next = members[stack.index + 1];
      if (next) this.out.reconcileAlso.push(next.service);
      else if (!finished)
        this.stackDeployEvent(stack.view, {
          type: 'StackDeployFinished',
          data: { state: 'success', reason: null },
        });
      return;
    }
    const halted = `halting stack deploy: deploy of service ${this.id} failed`;
    for (const later of members.slice(stack.index + 1)) {
      if (this.progress.get(later.deploy_id)?.finished) continue;
      this.deployEvent(later.deploy_id, { type: 'ServiceDeployAborted', data: { reason: halted } });
      this.out.reconcileAlso.push(later.service);
    }
    if (finished) return;
    if (!started) this.stackDeployEvent(stack.view, { type: 'StackDeployStarted', data: {} });
    this.stackDeployEvent(stack.view, {
      type: 'StackDeployFinished',
      data: { state: 'error', reason: `deploy of service ${this.id} failed: ${reason ?? 'unknown error'}` },
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // Placement: what deploys decided, desired state, restart and reschedule requests.
  // ---------------------------------------------------------------------------------------------------

  /** Stateful instances stop on a drained node and start again when it is active (`HostNodes::Update`, §2). */
  private desiredStateOf(service: ActiveService, node: string | null): InstanceDesiredState {
    if (service.state !== 'running') return 'stopped';
    if (service.stateful && node && this.nodes.get(node)?.availability === 'drain') return 'stopped';
    return 'running';
  }

  followPlacement(service: ActiveService): void {
    const current = this.input.deploys[0];
    const progress = current && this.progress.get(current.request.deploy_id);
    const scheduled = progress?.scheduled;
    const deploying = new Set<number>();
    if (current && progress && scheduled) {
      // Repairs a pass that recorded an instance deploy but stopped before placing it.
      for (const instance of progress.instances.values()) {
        if (instance.state !== 'ongoing') continue;
        deploying.add(instance.instance_number);
        this.placeForDeploy(service, scheduled, instance.instance_number, current.request.deploy_id);
      }
      // The deployer drops instances above the count when it starts (`GridServiceDeployer#deploy`).
      for (const n of [...this.placement.instances.keys()]) {
        if (n > scheduled.instance_count)
          this.place({ type: 'InstanceRemoved', data: { instance_number: n, reason: 'scaled down' } });
      }
    }

    for (const instance of [...this.placement.instances.values()]) {
      if (deploying.has(instance.instance_number)) continue;
      const wanted = this.desiredStateOf(service, instance.node);
      if (wanted !== instance.desired_state) {
        this.place({
          type: 'InstanceDesiredStateChanged',
          data: { instance_number: instance.instance_number, desired_state: wanted },
        });
      }
    }

    // `DELETE …/instances/:id` takes the instance off its node; the scheduler loop (or the next deploy) places it again.
    if (!current) {
      for (const { request, instance_number } of this.input.desired.reschedules) {
        if (request > this.placement.rescheduleHandled)
          this.place({ type: 'InstanceUnplaced', data: { instance_number, request } });
      }
    }

    const restart = this.input.desired.restartRequest;
    if (restart !== null && restart > (this.placement.restart?.request ?? -1)) {
      const instances = [...this.placement.instances.values()]
        .filter((i) => i.node !== null && i.desired_state === 'running')
        .map((i) => i.instance_number);
      this.place({ type: 'RestartRequestForwarded', data: { request: restart, instances, at: this.at() } });
    }
  }

  settleRemovedService(): void {
    for (const view of this.input.deploys) {
      const progress = this.progress.get(view.request.deploy_id)!;
      if (progress.finished) continue;
      if (!progress.started) {
        this.abort(view, 'service was removed');
        continue;
      }
      for (const instance of progress.instances.values()) {
        if (instance.state === 'ongoing') {
          this.deployEvent(view.request.deploy_id, {
            type: 'InstanceDeployFinished',
            data: {
              instance_number: instance.instance_number,
              state: 'error',
              error: 'the service was removed',
            },
          });
        }
      }
      this.finish(view, 'error', `halting deploy of ${this.id}, service was removed`);
    }
    for (const n of [...this.placement.instances.keys()]) {
      this.place({ type: 'InstanceRemoved', data: { instance_number: n, reason: 'service removed' } });
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // The scheduler loop (`GridScheduler#should_reschedule_service?`, kontena-behaviour.md §4).
  // ---------------------------------------------------------------------------------------------------

  checkSchedule(service: ActiveService): void {
    // Stateful services are never moved by the loop: their data stays where it is (§4).
    if (service.state !== 'running' || service.stateful) return;
    const rescheduled = this.placement.rescheduled;
    if (
      rescheduled?.deploy_id &&
      !this.input.desired.deployRequests.some((r) => r.deploy_id === rescheduled.deploy_id)
    ) {
      // The pass that decided it stopped before requesting the deploy.
      this.out.deployRequests.push({
        deploy_id: rescheduled.deploy_id,
        force: rescheduled.reason === 'interval',
      });
      return;
    }
    const last = this.input.lastFinishedDeploy;
    if (
      rescheduled?.at &&
      last?.deploy_id === rescheduled.deploy_id &&
      last.state === 'error' &&
      this.input.now - Date.parse(rescheduled.at) < this.input.settings.rescheduleBackoffMs
    ) {
      // Kontena requested a deploy every 20 s however often it failed; a failed one is given time first.
      this.requeue(Date.parse(rescheduled.at) + this.input.settings.rescheduleBackoffMs - this.input.now);
      return;
    }
    const reason = this.rescheduleReason(service);
    if (!reason) return;
    const deploy_id = this.input.freshDeployId;
    this.place({ type: 'ServiceRescheduled', data: { reason, deploy_id, at: this.at() } });
    // `interval` forces a revision bump, as Kontena's `GridServices::Update force: true` did.
    this.out.deployRequests.push({ deploy_id, force: reason === 'interval' });
  }

  private rescheduleReason(service: ActiveService): 'instances' | 'outdated' | 'interval' | null {
    const { nodes, now, settings } = this.input;
    if (!nodes.some((n) => n.connected)) return null;
    const placed = [...this.placement.instances.values()];
    const onNodes = placed.filter((i) => i.node !== null && this.nodes.has(i.node));

    // (a) A dry run on the connected nodes and those offline within the strategy's grace period.
    const grace = settings.gracePeriodMs[service.strategy];
    const candidates = nodes.filter(
      (n) => n.connected || (n.lastSeenMs !== null && now - n.lastSeenMs < grace),
    );
    const dry = scheduleOn(
      this.id,
      service,
      candidates,
      this.previousPlacements(),
      this.input.defaultAffinity,
      `dry-run/${this.id}`,
    );
    // Kontena redeployed even when no node could take the instances, so a deploy failed every 20 s; a dry run
    // that cannot place them waits for nodes instead.
    if (dry.ok) {
      if (dry.instanceCount !== onNodes.length) return 'instances';
      const selected = new Set(dry.placements.map((p) => p.nodeId));
      const current = new Set(onNodes.map((i) => i.node!));
      if (selected.size !== current.size || [...selected].some((n) => !current.has(n))) return 'instances';
    }

    // (b) Some instance started before a secret it reads changed (§9: Kontena bumped the revision, then redeployed).
    const secrets = this.input.secretsChangedMs;
    if (secrets !== null && placed.some((i) => Date.parse(i.placed_at) < secrets)) return 'outdated';

    // (c) `deploy_opts.interval` seconds since the last deploy placed an instance.
    const interval = service.deploy_opts.interval;
    if (interval && placed.length > 0) {
      const deployedAt = Math.max(...placed.map((i) => Date.parse(i.placed_at)));
      if (now > deployedAt + interval * 1000) return 'interval';
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------------
  // Jobs, from the placement as it now stands.
  // ---------------------------------------------------------------------------------------------------

  sendJobs(): void {
    for (const instance of this.placement.instances.values()) {
      if (instance.node === null || !this.nodes.has(instance.node)) continue;
      const reported = instance.reported;
      if (
        reported &&
        reported.deploy_rev === instance.deploy_rev &&
        reportSatisfies(instance.desired_state, reported.state)
      )
        continue;
      const id = instanceIdOf(this.id, instance.instance_number);
      this.out.jobs.push({
        node: instance.node,
        jobId: jobIds.ensureInstance(id, instance.deploy_rev, instance.generation),
        job: {
          kind: 'ensure-instance',
          assignment: {
            instanceId: id,
            serviceId: this.id,
            instanceNumber: instance.instance_number,
            deployRev: instance.deploy_rev,
            desiredState: instance.desired_state,
            pod: instance.pod as never,
          },
        },
      });
    }
    for (const leftover of this.placement.leftovers) {
      if (!this.nodes.has(leftover.node)) continue; // a removed node's copies went with it
      const id = instanceIdOf(this.id, leftover.instance_number);
      this.out.jobs.push({
        node: leftover.node,
        jobId: jobIds.removeInstance(id, leftover.deploy_rev),
        job: {
          kind: 'remove-instance',
          instanceId: id,
          deployRev: leftover.deploy_rev,
          reason: leftover.reason,
        },
      });
    }
    const restart = this.placement.restart;
    if (restart && this.input.now - Date.parse(restart.at) < this.input.settings.restartResendMs) {
      for (const n of restart.instances) {
        const instance = this.placement.instances.get(n);
        if (!instance?.node || !this.nodes.has(instance.node)) continue;
        const id = instanceIdOf(this.id, n);
        const requestId = String(restart.request);
        this.out.jobs.push({
          node: instance.node,
          jobId: jobIds.restartInstance(id, requestId),
          job: { kind: 'restart-instance', instanceId: id, requestId },
        });
      }
    }
  }
}
