import type { Logger } from 'pino';
import type { InstanceAssignment, InstanceEventFacts, InstanceRuntimeState } from '@libs/queues';
import { instanceSpecFromAssignment, InstanceRuntime, InstanceState, RuntimeEvent } from '../runtime';
import type { Reporter } from '../reports/reporter';

/** A state in which the runtime itself gets a supervised instance (back) to running, retrying failed starts: nothing to do. */
const UNDER_WAY: readonly InstanceRuntimeState[] = ['running', 'starting', 'restarting', 'crashed', 'error'];

/** Restart requests remembered, so a job delivered twice restarts once. */
const REMEMBERED_RESTARTS = 1_000;

export interface InstanceKeeperOptions {
  /** A pull leaves alone an instance a job acted on this recently (the pull may be older than the job). */
  jobGraceMs: number;
}

/**
 * Reports made in one go: the reporter sends what one turn of the event loop made as one job, in order. Only a
 * removal still reports its event apart from its state (the event goes first); every other event travels in
 * the state report it led to.
 */
const together = async (...reports: (Promise<void> | false)[]): Promise<void> => {
  await Promise.all(reports);
};

/** One of Kontena's instance events (`service:start_instance`, …), sent with the state it led to. */
const said = (
  type: string,
  severity: InstanceEventFacts['severity'],
  message: string,
): { event: InstanceEventFacts } => ({ event: { type, severity, message } });

const describe = (
  a: { pod: { service_name?: unknown; instance_number?: unknown } } | undefined,
  id: string,
) => (a ? `${String(a.pod.service_name)}-${String(a.pod.instance_number)}` : id);

/**
 * Drives this node's runtime towards what the master assigns it (Kontena's `ServicePodManager` and
 * `ServicePodWorker`), from jobs and from the periodic pull, and reports what happens.
 *
 * - `ensure`: an instance already running the assignment's deploy is left alone (no secret fetch, no
 *   restart); otherwise its secrets are fetched over the api and the runtime is asked to run the spec (a new
 *   deploy replaces the instance); `stopped` stops it.
 * - `converge` (pull, and start-up after `adopt`): every assignment ensured, every instance the runtime has
 *   that is not assigned removed; instances a job touched within `jobGraceMs` are skipped, since the pull's
 *   answer may predate the job.
 * - runtime events become state reports and Kontena's instance events (`service:instance_crash`, …).
 */
export class InstanceKeeper {
  private readonly touched = new Map<string, number>();
  private readonly deployRevs = new Map<string, string>();
  private readonly assignments = new Map<string, InstanceAssignment>();
  private readonly restarts: string[] = [];

  constructor(
    private readonly runtime: InstanceRuntime,
    private readonly reporter: Reporter,
    private readonly secrets: (instanceId: string) => Promise<Record<string, string>>,
    private readonly options: InstanceKeeperOptions,
    private readonly logger: Logger,
  ) {}

  async ensure(assignment: InstanceAssignment, source: 'job' | 'pull'): Promise<void> {
    const id = assignment.instanceId;
    if (source === 'job') this.touched.set(id, Date.now());
    this.deployRevs.set(id, assignment.deployRev);
    this.assignments.set(id, assignment);
    const current = await this.runtime.inspect(id);

    if (assignment.desiredState === 'stopped') {
      if (current && !['stopped', 'exited'].includes(current.status)) {
        const outcome = await this.runtime.stop(id);
        if (!outcome.ok) await this.reportState(id, assignment.deployRev, 'error', { error: outcome.reason });
      }
      // Stopped is stopped whatever deploy it was (Kontena's agent reported the pod's revision after applying it).
      await this.reportState(id, assignment.deployRev, 'stopped');
      return;
    }

    if (
      current &&
      current.supervised &&
      current.deploy_rev === assignment.deployRev &&
      UNDER_WAY.includes(current.status)
    ) {
      await this.reportCurrent(current);
      return;
    }

    let secretValues: Record<string, string> = {};
    if (assignment.pod.secrets.length > 0) {
      try {
        secretValues = await this.secrets(id);
      } catch (error) {
        const reason = `cannot fetch the secrets of ${describe(assignment, id)}: ${(error as Error).message}`;
        await this.reportState(id, assignment.deployRev, 'error', { error: reason });
        throw new Error(reason);
      }
    }
    const built = instanceSpecFromAssignment(assignment, secretValues);
    if (!built.ok) {
      await this.reportState(id, assignment.deployRev, 'error', { error: built.reason });
      return;
    }
    const outcome = await this.runtime.start(built.spec);
    // Events report what happens during a start; an outcome without any (invalid spec, nothing changed) is reported here.
    if (outcome.ok && outcome.action === 'unchanged') await this.reportCurrent(outcome.state);
    if (!outcome.ok && outcome.state === null)
      await this.reportState(id, assignment.deployRev, 'error', { error: outcome.reason });
  }

  async remove(instanceId: string, deployRev: string, source: 'job' | 'pull', reason: string): Promise<void> {
    if (source === 'job') this.touched.set(instanceId, Date.now());
    this.deployRevs.set(instanceId, deployRev);
    const outcome = await this.runtime.remove(instanceId);
    if (!outcome.ok) {
      await this.reportState(instanceId, deployRev, 'error', { error: outcome.reason });
      throw new Error(outcome.reason);
    }
    this.logger.info({ instanceId, reason }, 'instance removed');
    this.assignments.delete(instanceId);
    // Also when there was nothing to remove: the master waits for this to stop asking.
    if (!outcome.existed) await this.reportState(instanceId, deployRev, 'removed');
  }

  async restart(instanceId: string, requestId: string): Promise<void> {
    const key = `${instanceId}#${requestId}`;
    if (this.restarts.includes(key)) return;
    this.restarts.push(key);
    if (this.restarts.length > REMEMBERED_RESTARTS) this.restarts.shift();
    this.touched.set(instanceId, Date.now());
    const outcome = await this.runtime.restart(instanceId);
    if (!outcome.ok) this.logger.warn({ instanceId, reason: outcome.reason }, 'restart refused');
  }

  /** Start-up: what a previous agent left running is reported before anything else happens. */
  async adopt(): Promise<InstanceState[]> {
    const found = await this.runtime.list();
    for (const state of found) {
      this.deployRevs.set(state.instanceId, state.deploy_rev);
      await this.reportCurrent(state);
    }
    return found;
  }

  /** The pull (Kontena's agent asked for its service pods every 30 s): the master's whole view of this node. */
  async converge(assignments: readonly InstanceAssignment[]): Promise<void> {
    const wanted = new Map(assignments.map((a) => [a.instanceId, a]));
    for (const assignment of assignments) {
      if (this.recentlyTouched(assignment.instanceId)) continue;
      await this.ensure(assignment, 'pull').catch((error) =>
        this.logger.warn({ instanceId: assignment.instanceId, err: error }, 'could not converge instance'),
      );
    }
    for (const state of await this.runtime.list()) {
      if (wanted.has(state.instanceId) || this.recentlyTouched(state.instanceId)) continue;
      await this.remove(state.instanceId, state.deploy_rev, 'pull', 'not assigned to this node').catch(
        (error) =>
          this.logger.warn({ instanceId: state.instanceId, err: error }, 'could not remove instance'),
      );
    }
  }

  private recentlyTouched(instanceId: string): boolean {
    const at = this.touched.get(instanceId);
    return at !== undefined && Date.now() - at < this.options.jobGraceMs;
  }

  /** A runtime event as a state report, and as one of Kontena's instance events where Kontena logged one. */
  async onEvent(event: RuntimeEvent): Promise<void> {
    if (event.type === 'dropped') {
      // Fell behind: whatever was lost, the current states say where things are now.
      for (const state of await this.runtime.list()) await this.reportCurrent(state);
      return;
    }
    const id = event.instanceId;
    const state = event.type === 'removed' ? null : await this.runtime.inspect(id);
    const deployRev = state?.deploy_rev ?? this.deployRevs.get(id) ?? '';
    if (state) this.deployRevs.set(id, state.deploy_rev);
    const name = state?.name ?? describe(this.assignments.get(id), id);
    // Where it answers and how healthy it is stay part of every report (ports survive restarts).
    const known = { ports: state?.ports ?? [], health: state?.health ?? null };
    switch (event.type) {
      case 'starting':
        // Provisional: a start that is running within moments reports once (Reporter.state).
        return this.reportState(id, deployRev, 'starting', known, { provisional: true });
      case 'running':
        return this.reportState(
          id,
          deployRev,
          'running',
          { ports: event.ports, health: state?.health ?? null },
          said('service:start_instance', 'info', `service instance ${name} started`),
        );
      case 'crashed': {
        const delay = Math.round(event.restart_in_ms / 1000);
        return this.reportState(
          id,
          deployRev,
          'crashed',
          { ...known, exitCode: event.exit_code },
          // Kontena's agent: "service X instance exited with code N, restarting (delay: Ns)".
          said(
            'service:instance_crash',
            'warn',
            `service ${name} instance exited with code ${event.exit_code}, restarting (delay: ${delay}s)`,
          ),
        );
      }
      case 'restarting':
        return this.reportState(
          id,
          deployRev,
          'restarting',
          known,
          event.reason === 'requested'
            ? said('service:restart_instance', 'info', `restarting service instance ${name}`)
            : {},
        );
      case 'health':
        return this.reportState(
          id,
          deployRev,
          state?.status ?? 'running',
          { health: event.status, ports: state?.ports },
          event.status === 'unhealthy'
            ? said(
                'service:health_check',
                'warn',
                `restarting service instance ${name} because it is unhealthy: ${event.detail}`,
              )
            : {},
        );
      case 'stopped':
        return this.reportState(
          id,
          deployRev,
          'stopped',
          { ...known, exitCode: event.exit_code },
          said('service:stop_instance', 'info', `service instance ${name} stopped`),
        );
      case 'error':
        return this.reportState(
          id,
          deployRev,
          'error',
          { ...known, error: event.reason, exitCode: event.exit_code },
          said(
            'service:create_instance',
            'error',
            `unexpected error while starting service instance ${name}: ${event.reason}`,
          ),
        );
      case 'exited':
        // What follows (crashed, stopped, error) says more; an instance nobody restarts stays exited.
        if (state?.status === 'exited')
          return this.reportState(id, deployRev, 'exited', { ...known, exitCode: event.exit_code });
        return;
      case 'adopted':
        return state ? this.reportCurrent(state) : undefined;
      case 'removed':
        // The event first: once the master has the removal, it no longer counts the instance as this node's.
        return together(
          this.reportEvent(id, 'service:remove_instance', 'info', `service instance ${name} removed`),
          this.reportState(id, deployRev, 'removed'),
        );
    }
  }

  private reportCurrent(state: InstanceState): Promise<void> {
    return this.reportState(state.instanceId, state.deploy_rev, state.status, {
      error: state.error,
      exitCode: state.exit_code,
      health: state.health,
      ports: state.ports,
    });
  }

  private reportState(
    instanceId: string,
    deployRev: string,
    state: InstanceRuntimeState,
    extra: {
      error?: string | null;
      exitCode?: number | null;
      health?: 'healthy' | 'unhealthy' | null;
      ports?: InstanceState['ports'];
    } = {},
    /** `event`: what happened that led to this state, for the event logs; it travels with the state. */
    { provisional, event }: { provisional?: boolean; event?: InstanceEventFacts } = {},
  ): Promise<void> {
    return this.reporter.state(
      {
        instanceId,
        deployRev,
        state,
        error: state === 'error' ? (extra.error ?? null) : null,
        exitCode: extra.exitCode ?? null,
        health: extra.health ?? null,
        ports: extra.ports ?? [],
        ...(event && { event }),
      },
      { provisional },
    );
  }

  private reportEvent(
    instanceId: string,
    type: string,
    severity: 'info' | 'warn' | 'error',
    message: string,
  ): Promise<void> {
    return this.reporter.event({ instanceId, type, severity, message });
  }
}
