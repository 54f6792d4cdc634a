import { Ring } from '../feed/ring';
import { normalizeSignal, specFingerprint, stopGraceMs } from '../instance-spec';
import type {
  InstanceEventBody,
  InstanceSpec,
  InstanceState,
  InstanceStatus,
  MappedPort,
  RestartReason,
  StartOutcome,
  StopOutcome,
} from '../runtime';
import type {
  ExitStatus,
  FoundInstance,
  InstanceDriver,
  InstanceRun,
  LogSink,
  StoredInstance,
} from './driver';
import { reasonOf, RuntimeFailure } from './driver';
import { HealthVerdict, initialHealth, nextHealth } from './health-verdict';
import type { Probes } from './probes';
import { RestartBackoff, restartDelay } from './restart-backoff';
import { planStart } from './start-plan';

export interface SupervisionOptions {
  backoff: RestartBackoff;
  /**
   * Without `wait_for_port`, how long a new run must stay up before it counts as started: a command that
   * exits within it fails the start with its exit code and stderr, so a deploy fails with a reason.
   */
  settleMs: number;
  waitForPortIntervalMs: number;
  /** Kontena's agent waits 300 s (agent `workers/service_pod_worker.rb#wait_for_port`). */
  waitForPortTimeoutMs: number;
  /** Consecutive failed probes before an instance is restarted as unhealthy (see `health-verdict.ts`). */
  unhealthyThreshold: number;
  /** How long to wait for the exit after SIGKILL before calling the stop failed. */
  killWaitMs: number;
  stderrTailLines: number;
  probes: Probes;
}

type Emit = (instanceId: string, event: InstanceEventBody) => void;
type Outcome<T> = Promise<T>;

interface Ready {
  kind: 'ready';
}
interface Exited {
  kind: 'exited';
  exit: ExitStatus;
}
interface TimedOut {
  kind: 'timeout';
}
interface Interrupted {
  kind: 'interrupted';
}

/**
 * The life of one instance: launch, wait until it is ready, watch it, restart it when it crashes (with
 * Kontena's back-off) or turns unhealthy, stop it gracefully, remove it. Operations on one instance run
 * one at a time; a stop or remove interrupts a start that is still waiting for its port, as Kontena's
 * agent aborts `wait_for_port` when the desired state changes.
 */
export class InstanceSupervisor {
  private spec: InstanceSpec | null = null;
  private specHash: string;
  private stored: StoredInstance | null = null;
  /** The host ports of the instance this one replaced, so a re-deploy keeps them. */
  private lastPorts: MappedPort[] = [];
  private status: InstanceStatus;
  private run: InstanceRun | null = null;
  /** Who handles the run's exit: the lifecycle when `up`, the operation in progress otherwise. */
  private phase: 'idle' | 'launching' | 'up' | 'stopping' = 'idle';
  private desired: 'running' | 'stopped' | 'removed' = 'running';
  private restarts = 0;
  /** Kontena's back-off counter: restarts since the instance last stayed up for `resetAfterMs`. */
  private recentRestarts = 0;
  private attempts = 0;
  private health: HealthVerdict = initialHealth;
  private healthGeneration = 0;
  private error: string | null = null;
  private lastExit: ExitStatus | null = null;
  private readonly stderrTail: Ring<string>;
  private retryTimer: NodeJS.Timeout | null = null;
  private resetTimer: NodeJS.Timeout | null = null;
  private healthTimer: NodeJS.Timeout | null = null;
  private attempt: AbortController | null = null;
  private tail: Promise<unknown> = Promise.resolve();
  private detached = false;

  private constructor(
    readonly instanceId: string,
    private readonly driver: InstanceDriver,
    private readonly options: SupervisionOptions,
    private readonly emit: Emit,
    private readonly publishLog: LogSink,
    status: InstanceStatus,
    specHash: string,
  ) {
    this.status = status;
    this.specHash = specHash;
    this.stderrTail = new Ring(Math.max(1, options.stderrTailLines));
  }

  /** For an instance this runtime is about to create. */
  static forSpec(
    spec: InstanceSpec,
    driver: InstanceDriver,
    options: SupervisionOptions,
    emit: Emit,
    log: LogSink,
  ) {
    const supervisor = new InstanceSupervisor(
      spec.instanceId,
      driver,
      options,
      emit,
      log,
      'starting',
      specFingerprint(spec),
    );
    supervisor.spec = spec;
    return supervisor;
  }

  /** For an instance a previous agent left: watched, but not restarted until `ensure(spec)` hands its spec back. */
  static adopt(
    found: FoundInstance,
    driver: InstanceDriver,
    options: SupervisionOptions,
    emit: Emit,
    log: LogSink,
  ) {
    const { stored, run } = found;
    const status: InstanceStatus = run ? 'running' : stored.stopped ? 'stopped' : 'exited';
    const supervisor = new InstanceSupervisor(
      stored.instanceId,
      driver,
      options,
      emit,
      log,
      status,
      stored.spec_hash,
    );
    supervisor.stored = stored;
    supervisor.lastExit = stored.last_exit;
    supervisor.desired = run ? 'running' : 'stopped';
    if (run) supervisor.watch(run, 'up');
    emit(stored.instanceId, { type: 'adopted', status });
    return supervisor;
  }

  /** The sink a driver writes this instance's output to: the log feed, and the stderr tail for reasons. */
  readonly sink: LogSink = (stream, data, at) => {
    if (stream === 'stderr') this.stderrTail.push(data);
    this.publishLog(stream, data, at);
  };

  get name(): string {
    return this.stored?.name ?? this.spec?.name ?? '';
  }

  get currentRun(): InstanceRun | null {
    return this.run;
  }

  state(): InstanceState {
    // Neither is left of an adopted instance that was just removed (its supervisor goes when `remove` returns).
    const source = this.stored ?? this.spec;
    return {
      instanceId: this.instanceId,
      name: this.name,
      runtime: this.driver.kind,
      status: this.status,
      service_revision: source?.service_revision ?? 0,
      deploy_rev: source?.deploy_rev ?? '',
      spec_hash: this.specHash,
      supervised: this.spec !== null,
      ports: this.run?.ports ?? this.stored?.ports ?? [],
      pid: this.run?.pid ?? null,
      container_id: this.run?.container_id ?? this.stored?.container_id ?? null,
      started_at: this.run?.started_at ?? null,
      finished_at: this.run ? null : (this.lastExit?.finished_at ?? null),
      exit_code: this.run ? null : (this.lastExit?.exit_code ?? null),
      restarts: this.restarts,
      health: this.health.status,
      error: this.error,
    };
  }

  /** `start(spec)`: whatever makes the instance run this spec, and nothing when it already does. */
  ensure(spec: InstanceSpec): Outcome<StartOutcome> {
    this.desired = 'running';
    // A new spec supersedes a start still waiting for its port (Kontena: "service redeployed").
    if (specFingerprint(spec) !== this.specHash) this.interruptAttempt();
    return this.exclusive(async () => {
      if (this.desired !== 'running') return this.interrupted();
      const hash = specFingerprint(spec);
      const plan = planStart(
        this.stored || this.spec ? { spec_hash: this.specHash, status: this.status, spec: this.spec } : null,
        spec,
        hash,
      );
      // A supervisor made by `forSpec` has nothing on the node yet: that is a create, whatever its status says.
      const action = this.stored === null ? 'create' : plan.action;
      if (action === 'keep') {
        const adopted = this.spec === null;
        this.spec = spec;
        if (adopted && this.run) {
          this.startHealthChecks(this.run);
          this.scheduleBackoffReset();
        }
        return { ok: true, action: 'unchanged', state: this.state() };
      }
      this.cancelRetry();
      if (action === 'replace') {
        const stopped = await this.stopRun();
        if (!stopped.ok) return { ok: false, reason: stopped.reason, state: this.state() };
        try {
          await this.driver.remove(this.stored!);
        } catch (error) {
          return {
            ok: false,
            reason: `cannot replace ${this.name}: ${reasonOf(error)}`,
            state: this.state(),
          };
        }
        this.lastPorts = this.stored!.ports;
        this.stored = null;
      }
      this.spec = spec;
      this.specHash = hash;
      this.error = null;
      this.health = initialHealth;
      const outcome = await this.launch('start');
      if (!outcome.ok) return outcome;
      const started = action === 'replace' ? 'replaced' : action === 'start' ? 'started' : 'created';
      return { ok: true, action: started, state: outcome.state };
    });
  }

  stop(): Outcome<StopOutcome> {
    this.desired = 'stopped';
    this.interruptAttempt();
    return this.exclusive(async () => {
      this.cancelRetry();
      const result = await this.stopRun();
      if (!result.ok) return { ok: false, reason: result.reason, state: this.state() };
      const was = this.status;
      this.status = 'stopped';
      this.error = null;
      if (this.stored) await this.driver.markStopped(this.stored, true).catch(() => undefined);
      if (result.exit || was !== 'stopped') {
        this.emit(this.instanceId, {
          type: 'stopped',
          exit_code: result.exit?.exit_code ?? null,
          killed: result.killed,
        });
      }
      return {
        ok: true,
        state: this.state(),
        exit_code: result.exit?.exit_code ?? null,
        killed: result.killed,
      };
    });
  }

  restart(): Outcome<StartOutcome> {
    return this.exclusive(async () => {
      if (!this.spec) {
        return {
          ok: false,
          reason: `instance ${this.instanceId} was adopted from a previous agent and has no spec yet: start it with its spec first`,
          state: this.state(),
        };
      }
      this.desired = 'running';
      this.cancelRetry();
      return this.restartNow('requested');
    });
  }

  /** Stops it if it runs and deletes it from the node. */
  remove(): Outcome<{ ok: true } | { ok: false; reason: string }> {
    this.desired = 'removed';
    this.interruptAttempt();
    return this.exclusive(async () => {
      this.cancelRetry();
      const stopped = await this.stopRun();
      if (!stopped.ok) return { ok: false, reason: stopped.reason };
      if (this.stored) {
        try {
          await this.driver.remove(this.stored);
        } catch (error) {
          return { ok: false, reason: `cannot remove ${this.name}: ${reasonOf(error)}` };
        }
      }
      this.stored = null;
      this.emit(this.instanceId, { type: 'removed' });
      return { ok: true };
    });
  }

  /** Agent shutdown: stop watching and leave the instance as it is for the next agent. */
  detach(): void {
    this.detached = true;
    this.interruptAttempt();
    this.cancelRetry();
    this.stopHealthChecks();
    if (this.resetTimer) clearTimeout(this.resetTimer);
    this.run?.detach();
  }

  // -------------------------------------------------------------------------------------------------

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private interrupted(): StartOutcome {
    return {
      ok: false,
      reason: `start of ${this.name} interrupted: the instance is being stopped or removed`,
      state: this.state(),
    };
  }

  /** One launch, through to running or a failure that schedules the next try. Runs inside `exclusive`. */
  private async launch(reason: 'start' | RestartReason): Promise<StartOutcome> {
    const spec = this.spec!;
    this.attempts++;
    this.status = reason === 'start' ? 'starting' : 'restarting';
    this.stderrTail.clear();
    this.emit(this.instanceId, { type: 'starting', attempt: this.attempts });
    const attempt = new AbortController();
    this.attempt = attempt;
    let run: InstanceRun;
    try {
      if (!this.stored) this.stored = await this.driver.create(spec, this.previousPorts());
      else if (this.stored.stopped) await this.driver.markStopped(this.stored, false);
      this.stored.stopped = false;
      run = await this.driver.launch(this.stored, spec, this.sink);
    } catch (error) {
      return this.failAttempt(`cannot start ${spec.name}: ${reasonOf(error)}`, null);
    }
    this.watch(run, 'launching');
    const ready = await this.waitUntilReady(run, spec, attempt.signal);
    if (this.attempt === attempt) this.attempt = null;

    switch (ready.kind) {
      case 'ready':
        this.phase = 'up';
        this.status = 'running';
        this.error = null;
        this.stored.ports = run.ports;
        this.emit(this.instanceId, {
          type: 'running',
          ports: run.ports,
          pid: run.pid,
          container_id: run.container_id,
        });
        this.startHealthChecks(run);
        this.scheduleBackoffReset();
        return { ok: true, action: 'created', state: this.state() };
      case 'exited': {
        this.ended(ready.exit);
        const waited = spec.wait_for_port ? ` while waiting for port ${spec.wait_for_port}` : ' at once';
        return this.failAttempt(
          `${spec.name} exited${waited} ${describeExit(ready.exit)}${this.stderrSuffix()}`,
          ready.exit,
        );
      }
      case 'timeout': {
        const address = run.address(spec.wait_for_port!);
        const stopped = await this.stopRun();
        const waited = Math.round(this.options.waitForPortTimeoutMs / 100) / 10;
        return this.failAttempt(
          `port ${spec.wait_for_port} of ${spec.name} (${address.host}:${address.port}) did not answer within ${waited} s (wait_for_port)`,
          stopped.ok ? stopped.exit : null,
        );
      }
      case 'interrupted':
        // The stop or remove that interrupted us takes over the run.
        this.phase = 'up';
        return this.interrupted();
    }
  }

  private failAttempt(reason: string, exit: ExitStatus | null): StartOutcome {
    this.phase = 'idle';
    this.run = null;
    this.error = reason;
    const stderrTail = this.stderrTail.toArray();
    if (this.desired !== 'running' || this.detached) {
      this.emit(this.instanceId, {
        type: 'error',
        reason,
        exit_code: exit?.exit_code ?? null,
        stderr_tail: stderrTail,
        restart_in_ms: null,
      });
      return {
        ok: false,
        reason,
        exit_code: exit?.exit_code ?? null,
        stderr_tail: stderrTail,
        state: this.state(),
      };
    }
    const delay = restartDelay(this.recentRestarts++, this.options.backoff);
    this.status = 'error';
    this.emit(this.instanceId, {
      type: 'error',
      reason,
      exit_code: exit?.exit_code ?? null,
      stderr_tail: stderrTail,
      restart_in_ms: delay,
    });
    this.scheduleRetry(delay, 'start_failed');
    return {
      ok: false,
      reason,
      exit_code: exit?.exit_code ?? null,
      stderr_tail: stderrTail,
      state: this.state(),
    };
  }

  private async waitUntilReady(
    run: InstanceRun,
    spec: InstanceSpec,
    interrupt: AbortSignal,
  ): Promise<Ready | Exited | TimedOut | Interrupted> {
    const done = new AbortController();
    const interrupted = new Promise<Interrupted>((resolve) => {
      if (interrupt.aborted) resolve({ kind: 'interrupted' });
      interrupt.addEventListener('abort', () => resolve({ kind: 'interrupted' }), { once: true });
    });
    const exited = run.exited.then((exit): Exited => ({ kind: 'exited', exit }));
    const ready = spec.wait_for_port
      ? this.waitForPort(run, spec.wait_for_port, done.signal)
      : this.settle(run, done.signal);
    try {
      return await Promise.race([exited, interrupted, ready]);
    } finally {
      done.abort();
    }
  }

  /** Still running once the settle time is over (asked, not inferred from the absence of an exit report). */
  private async settle(run: InstanceRun, done: AbortSignal): Promise<Ready | Exited> {
    await sleep(this.options.settleMs, done);
    if (done.aborted || (await run.alive())) return { kind: 'ready' };
    return { kind: 'exited', exit: await run.exited };
  }

  /** Polls the port until it answers (agent `service_pod_worker.rb#wait_for_port`). */
  private async waitForPort(run: InstanceRun, port: number, done: AbortSignal): Promise<Ready | TimedOut> {
    const { host, port: hostPort } = run.address(port);
    const deadline = Date.now() + this.options.waitForPortTimeoutMs;
    while (!done.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      const probe = await this.options.probes.tcp(host, hostPort, Math.min(1_000, left));
      if (probe.ok) return { kind: 'ready' };
      await sleep(Math.min(this.options.waitForPortIntervalMs, Math.max(0, deadline - Date.now())), done);
    }
    return { kind: 'timeout' };
  }

  /** Watches a run's exit; only an exit while `up` is the lifecycle's to handle (a crash). */
  private watch(run: InstanceRun, phase: 'launching' | 'up'): void {
    this.run = run;
    this.phase = phase;
    run.exited.then(
      (exit) => this.onExit(run, exit),
      () => undefined,
    );
  }

  private onExit(run: InstanceRun, exit: ExitStatus): void {
    if (run !== this.run || this.phase !== 'up' || this.detached) return;
    this.ended(exit);
    this.stopHealthChecks();
    if (this.resetTimer) clearTimeout(this.resetTimer);
    if (!this.spec || this.desired !== 'running') {
      this.status = 'exited';
      return;
    }
    // Kontena containers restart unless stopped, whatever the exit code (agent `on_container_die`).
    const delay = restartDelay(this.recentRestarts++, this.options.backoff);
    this.status = 'crashed';
    this.error = `${this.name} exited unexpectedly ${describeExit(exit)}${this.stderrSuffix()}`;
    this.emit(this.instanceId, {
      type: 'crashed',
      exit_code: exit.exit_code,
      restarts: this.recentRestarts,
      restart_in_ms: delay,
    });
    this.scheduleRetry(delay, 'crashed');
  }

  /** Records an exit of the current run and reports it. */
  private ended(exit: ExitStatus): void {
    this.run = null;
    this.phase = 'idle';
    this.lastExit = exit;
    this.health = initialHealth;
    if (this.stored) this.stored.last_exit = exit;
    this.emit(this.instanceId, {
      type: 'exited',
      exit_code: exit.exit_code,
      signal: exit.signal,
      oom_killed: exit.oom_killed,
      stderr_tail: this.stderrTail.toArray(),
    });
  }

  private scheduleRetry(delayMs: number, reason: RestartReason): void {
    this.cancelRetry();
    const timer = setTimeout(() => {
      void this.exclusive(async () => {
        if (this.retryTimer !== timer || this.desired !== 'running' || this.detached) return;
        this.retryTimer = null;
        await this.restartNow(reason);
      });
    }, delayMs);
    timer.unref();
    this.retryTimer = timer;
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Kontena forgets the back-off once an instance stays up for 10 s. */
  private scheduleBackoffReset(): void {
    if (this.resetTimer) clearTimeout(this.resetTimer);
    const run = this.run;
    this.resetTimer = setTimeout(() => {
      if (this.run === run && this.phase === 'up') this.recentRestarts = 0;
    }, this.options.backoff.resetAfterMs);
    this.resetTimer.unref();
  }

  /** Stops the current run (if any) and launches again. Runs inside `exclusive`. */
  private async restartNow(reason: RestartReason): Promise<StartOutcome> {
    this.emit(this.instanceId, { type: 'restarting', reason });
    this.restarts++;
    const stopped = await this.stopRun();
    if (!stopped.ok) return { ok: false, reason: stopped.reason, state: this.state() };
    if (this.desired !== 'running') return this.interrupted();
    const outcome = await this.launch(reason);
    return outcome.ok ? { ...outcome, action: 'started' } : outcome;
  }

  /**
   * The stop signal, the grace period, then SIGKILL (Docker's `stop -t`, which Kontena's agent used with
   * the service's `stop_grace_period`). Runs inside `exclusive`.
   */
  private async stopRun(): Promise<
    { ok: true; exit: ExitStatus | null; killed: boolean } | { ok: false; reason: string }
  > {
    this.stopHealthChecks();
    if (this.resetTimer) clearTimeout(this.resetTimer);
    const run = this.run;
    if (!run) return { ok: true, exit: null, killed: false };
    this.phase = 'stopping';
    const signal = this.stopSignal();
    const graceMs = this.stored?.stop_grace_ms ?? stopGraceMs(this.spec ?? {});
    let killed = false;
    try {
      await run.signal(signal);
      let exit = await within(run.exited, graceMs);
      if (!exit) {
        killed = true;
        await run.signal('SIGKILL');
        exit = await within(run.exited, this.options.killWaitMs);
      }
      if (!exit)
        throw new RuntimeFailure(
          `${this.name} did not exit within ${this.options.killWaitMs / 1000} s of SIGKILL`,
        );
      this.ended(exit);
      return { ok: true, exit, killed };
    } catch (error) {
      this.phase = 'up';
      return { ok: false, reason: `cannot stop ${this.name}: ${reasonOf(error)}` };
    }
  }

  private stopSignal(): NodeJS.Signals {
    return this.spec
      ? (normalizeSignal(this.spec.stop_signal) ?? 'SIGTERM')
      : (this.stored?.stop_signal ?? 'SIGTERM');
  }

  private interruptAttempt(): void {
    this.attempt?.abort();
    this.attempt = null;
  }

  private previousPorts() {
    return this.stored?.ports ?? this.lastPorts;
  }

  private stderrSuffix(): string {
    const tail = this.stderrTail.toArray();
    return tail.length > 0 ? `; stderr: ${tail.slice(-5).join(' | ')}` : '';
  }

  // --- health checks (agent `workers/container_health_check_worker.rb`) ---------------------------

  private startHealthChecks(run: InstanceRun): void {
    const check = this.spec?.health_check;
    this.stopHealthChecks();
    this.health = initialHealth;
    if (!check) return;
    const generation = this.healthGeneration;
    const threshold = this.options.unhealthyThreshold;
    const tick = async () => {
      const { host, port } = run.address(check.port);
      const timeoutMs = check.timeout * 1000;
      const probe =
        check.protocol === 'http'
          ? await this.options.probes.http(host, port, check.uri || '/', timeoutMs)
          : await this.options.probes.tcp(host, port, timeoutMs);
      if (generation !== this.healthGeneration || this.run !== run) return;
      const step = nextHealth(this.health, probe, threshold);
      this.health = step.verdict;
      if (step.changed) {
        this.emit(this.instanceId, {
          type: 'health',
          status: step.verdict.status!,
          detail: probe.detail,
          failures: step.verdict.failures,
        });
      }
      if (step.restart) {
        this.stopHealthChecks();
        void this.exclusive(async () => {
          if (this.run !== run || this.desired !== 'running' || this.detached) return;
          this.error = `${this.name} was unhealthy (${probe.detail}, ${step.verdict.failures} probes in a row)`;
          await this.restartNow('unhealthy');
        });
        return;
      }
      this.healthTimer = setTimeout(() => void tick(), check.interval * 1000);
      this.healthTimer.unref();
    };
    this.healthTimer = setTimeout(() => void tick(), check.initial_delay * 1000);
    this.healthTimer.unref();
  }

  private stopHealthChecks(): void {
    this.healthGeneration++;
    if (this.healthTimer) clearTimeout(this.healthTimer);
    this.healthTimer = null;
  }
}

export function describeExit(exit: ExitStatus): string {
  if (exit.oom_killed) return `(killed: out of memory, exit code ${exit.exit_code ?? 'unknown'})`;
  if (exit.exit_code === null) return '(exit code unknown: it ended while the agent was not its parent)';
  return exit.signal ? `with code ${exit.exit_code} (${exit.signal})` : `with code ${exit.exit_code}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The promise's value, or null if it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(null), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
