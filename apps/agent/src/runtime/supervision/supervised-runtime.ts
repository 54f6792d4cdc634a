import type { Logger } from 'pino';
import { EventFeed } from '../feed/event-feed';
import { DEFAULT_LOG_LIMITS, LogFeed, LogFeedLimits } from '../feed/log-feed';
import { specProblems } from '../instance-spec';
import type {
  InstanceEvent,
  InstanceEventBody,
  InstanceRuntime,
  InstanceSpec,
  InstanceState,
  InstanceStats,
  LogBatch,
  RemoveOutcome,
  RuntimeEvent,
  RuntimeKind,
  StartOutcome,
  StopOutcome,
  SubscribeOptions,
} from '../runtime';
import { InstanceDriver, reasonOf } from './driver';
import { InstanceSupervisor, SupervisionOptions } from './instance-supervisor';
import { networkProbes } from './probes';
import { KONTENA_RESTART_BACKOFF } from './restart-backoff';

export interface RuntimeOptions extends SupervisionOptions {
  /** Events buffered per consumer before the oldest are dropped (see `EventFeed`). */
  eventBuffer: number;
  logLimits: LogFeedLimits;
  /** Diagnostics: lifecycle events and failures, never env values. */
  logger?: Logger;
}

export const DEFAULT_RUNTIME_OPTIONS: RuntimeOptions = {
  backoff: KONTENA_RESTART_BACKOFF,
  settleMs: 500,
  waitForPortIntervalMs: 1_000,
  waitForPortTimeoutMs: 300_000,
  unhealthyThreshold: 3,
  killWaitMs: 10_000,
  stderrTailLines: 20,
  probes: networkProbes,
  eventBuffer: 10_000,
  logLimits: DEFAULT_LOG_LIMITS,
};

/**
 * An `InstanceRuntime` made of a driver (what runs an instance: processes, containers) and one
 * `InstanceSupervisor` per instance (the lifecycle every runtime shares).
 */
export class SupervisedRuntime implements InstanceRuntime {
  readonly kind: RuntimeKind;
  private readonly options: RuntimeOptions;
  private readonly instances = new Map<string, InstanceSupervisor>();
  private readonly eventFeed: EventFeed<InstanceEvent>;
  private readonly logFeed: LogFeed;
  private seq = 0;
  private discovery: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly driver: InstanceDriver,
    options: Partial<RuntimeOptions> = {},
  ) {
    this.kind = driver.kind;
    this.options = { ...DEFAULT_RUNTIME_OPTIONS, ...options };
    this.eventFeed = new EventFeed(this.options.eventBuffer);
    this.logFeed = new LogFeed(this.options.logLimits);
  }

  async start(spec: InstanceSpec): Promise<StartOutcome> {
    const problems = specProblems(spec);
    if (problems.length > 0)
      return { ok: false, reason: `invalid spec: ${problems.join('; ')}`, state: null };
    if (this.closed) return { ok: false, reason: 'the runtime is closed', state: null };
    const unavailable = await this.discoveryFailure();
    if (unavailable) return { ok: false, reason: unavailable, state: null };
    // Container names are unique on a node (Docker's rule; the process runtime names directories after them).
    for (const other of this.instances.values()) {
      if (other.instanceId !== spec.instanceId && other.name === spec.name) {
        return {
          ok: false,
          reason: `name ${spec.name} is already used by instance ${other.instanceId} on this node`,
          state: null,
        };
      }
    }
    let supervisor = this.instances.get(spec.instanceId);
    if (!supervisor) {
      supervisor = InstanceSupervisor.forSpec(
        spec,
        this.driver,
        this.options,
        this.emit,
        this.logSinkFor(spec.instanceId),
      );
      this.instances.set(spec.instanceId, supervisor);
    }
    return supervisor.ensure(spec);
  }

  async stop(instanceId: string): Promise<StopOutcome> {
    const unavailable = await this.discoveryFailure();
    if (unavailable) return { ok: false, reason: unavailable, state: null };
    const supervisor = this.instances.get(instanceId);
    if (!supervisor) return { ok: false, reason: `no instance ${instanceId} on this node`, state: null };
    return supervisor.stop();
  }

  async restart(instanceId: string): Promise<StartOutcome> {
    const unavailable = await this.discoveryFailure();
    if (unavailable) return { ok: false, reason: unavailable, state: null };
    const supervisor = this.instances.get(instanceId);
    if (!supervisor) return { ok: false, reason: `no instance ${instanceId} on this node`, state: null };
    return supervisor.restart();
  }

  async remove(instanceId: string): Promise<RemoveOutcome> {
    const unavailable = await this.discoveryFailure();
    if (unavailable) return { ok: false, reason: unavailable };
    const supervisor = this.instances.get(instanceId);
    if (!supervisor) return { ok: true, existed: false };
    const outcome = await supervisor.remove();
    if (!outcome.ok) return outcome;
    if (this.instances.get(instanceId) === supervisor) this.instances.delete(instanceId);
    return { ok: true, existed: true };
  }

  async list(): Promise<InstanceState[]> {
    // Look again each time: something may have appeared that this runtime never saw (level-triggered).
    this.discovery = null;
    await this.discovered();
    return [...this.instances.values()]
      .map((s) => s.state())
      .sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }

  async inspect(instanceId: string): Promise<InstanceState | null> {
    await this.discovered();
    return this.instances.get(instanceId)?.state() ?? null;
  }

  async stats(instanceId?: string): Promise<InstanceStats[]> {
    await this.discovered();
    const supervisors = instanceId
      ? [this.instances.get(instanceId)].filter((s) => s !== undefined)
      : [...this.instances.values()];
    const samples = await Promise.all(
      supervisors.map(async (supervisor) => {
        const run = supervisor.currentRun;
        const sample = run ? await run.stats().catch(() => null) : null;
        return sample ? { instanceId: supervisor.instanceId, at: new Date().toISOString(), ...sample } : null;
      }),
    );
    return samples.filter((s): s is InstanceStats => s !== null);
  }

  events(options: SubscribeOptions = {}): AsyncIterableIterator<RuntimeEvent> {
    return this.eventFeed.subscribe(options.signal);
  }

  logs(options: SubscribeOptions = {}): AsyncIterableIterator<LogBatch> {
    return this.logFeed.subscribe(options.signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const supervisor of this.instances.values()) supervisor.detach();
    await this.driver.close();
    this.eventFeed.close();
    this.logFeed.close();
  }

  // -------------------------------------------------------------------------------------------------

  private readonly emit = (instanceId: string, body: InstanceEventBody): void => {
    const event = { ...body, instanceId, at: new Date().toISOString(), seq: ++this.seq } as InstanceEvent;
    const logger = this.options.logger;
    if (logger) {
      if (event.type === 'error' || event.type === 'crashed')
        logger.warn({ event }, `${instanceId} ${event.type}`);
      else logger.debug({ event }, `${instanceId} ${event.type}`);
    }
    this.eventFeed.publish(event);
  };

  private logSinkFor(instanceId: string) {
    return (stream: 'stdout' | 'stderr', data: string, at: string) =>
      this.logFeed.publish(instanceId, { stream, data, at });
  }

  /**
   * Operations answer rather than throw: if what exists cannot be looked up (the engine is down), acting
   * could start a duplicate, so they refuse with the reason.
   */
  private async discoveryFailure(): Promise<string | null> {
    try {
      await this.discovered();
      return null;
    } catch (error) {
      return `cannot look up the instances on this node: ${reasonOf(error)}`;
    }
  }

  /** Adopts, once, whatever a previous agent left; every operation waits for it so none starts a duplicate. */
  private discovered(): Promise<void> {
    if (!this.discovery) {
      const discovery = this.adoptLeftovers().catch((error) => {
        if (this.discovery === discovery) this.discovery = null;
        this.options.logger?.error(
          { error: reasonOf(error) },
          'cannot look for instances left by a previous agent',
        );
        throw error;
      });
      this.discovery = discovery;
    }
    return this.discovery;
  }

  private async adoptLeftovers(): Promise<void> {
    // Output a leftover writes before its supervisor exists waits here, so no line is lost or reordered.
    const early = new Map<string, Array<[stream: 'stdout' | 'stderr', data: string, at: string]>>();
    const found = await this.driver.discover(
      (instanceId) => this.instances.has(instanceId),
      (instanceId) => (stream, data, at) => {
        const supervisor = this.instances.get(instanceId);
        if (supervisor && !early.has(instanceId)) supervisor.sink(stream, data, at);
        else early.set(instanceId, [...(early.get(instanceId) ?? []), [stream, data, at]]);
      },
    );
    for (const leftover of found) {
      if (this.instances.has(leftover.stored.instanceId)) {
        leftover.run?.detach();
        continue;
      }
      const supervisor = InstanceSupervisor.adopt(
        leftover,
        this.driver,
        this.options,
        this.emit,
        this.logSinkFor(leftover.stored.instanceId),
      );
      this.instances.set(supervisor.instanceId, supervisor);
      for (const [stream, data, at] of early.get(supervisor.instanceId) ?? [])
        supervisor.sink(stream, data, at);
      early.delete(supervisor.instanceId);
    }
  }
}
