import type { InstanceSpec, InstanceStats, MappedPort, RuntimeKind } from '../runtime';

/**
 * What a runtime must do itself; everything else (the lifecycle, restarts, health, reports) is
 * `InstanceSupervisor`'s, shared by the process and docker runtimes.
 */
export interface InstanceDriver {
  readonly kind: RuntimeKind;
  /**
   * What a previous agent left on the node, except instances `isKnown` says this runtime already has.
   * Running ones come back watched: their output goes to `sinkFor(instanceId)`.
   */
  discover(
    isKnown: (instanceId: string) => boolean,
    sinkFor: (instanceId: string) => LogSink,
  ): Promise<FoundInstance[]>;
  /** Creates what the instance needs on the node (a directory, a container) without running it. */
  create(spec: InstanceSpec, previousPorts: MappedPort[]): Promise<StoredInstance>;
  /** Runs it; resolves once its main process exists. Throws `RuntimeFailure` with an actionable reason. */
  launch(stored: StoredInstance, spec: InstanceSpec, sink: LogSink): Promise<InstanceRun>;
  /** Remembers across agent restarts whether it was stopped on request. */
  markStopped(stored: StoredInstance, stopped: boolean): Promise<void>;
  /** Deletes what `create` made; the instance is not running. */
  remove(stored: StoredInstance): Promise<void>;
  close(): Promise<void>;
}

/** What the node keeps about an instance between runs, and across agent restarts. */
export interface StoredInstance {
  instanceId: string;
  name: string;
  spec_hash: string;
  service_revision: number;
  deploy_rev: string;
  /** The last known mapping: kept so a restart or re-deploy keeps its host ports. */
  ports: MappedPort[];
  stop_signal: NodeJS.Signals;
  stop_grace_ms: number;
  container_id: string | null;
  last_exit: ExitStatus | null;
  stopped: boolean;
}

export interface FoundInstance {
  stored: StoredInstance;
  /** Null when it is not running. */
  run: InstanceRun | null;
}

export interface ExitStatus {
  /** Null when nobody could see it (a process that ended while adopted, see `process-driver.ts`). */
  exit_code: number | null;
  signal: string | null;
  oom_killed: boolean;
  finished_at: string;
}

export type RunStats = Omit<InstanceStats, 'instanceId' | 'at'>;

/** One run of an instance's main process. */
export interface InstanceRun {
  readonly pid: number | null;
  readonly container_id: string | null;
  readonly started_at: string;
  readonly ports: MappedPort[];
  /** Resolves once, after the run ended and its output was read to the end. */
  readonly exited: Promise<ExitStatus>;
  /** Where a probe on this node reaches one of its container ports. */
  address(containerPort: number): { host: string; port: number };
  /**
   * Whether it still runs, asked of the system now: an engine may report an exit later than it happened
   * (Podman's wait API lags by up to a second), and a start must not count a run that already ended.
   */
  alive(): Promise<boolean>;
  /** Signals the whole instance; a run that is already gone is not an error. */
  signal(signal: NodeJS.Signals): Promise<void>;
  stats(): Promise<RunStats | null>;
  /** Stops watching it (agent shutdown) and leaves it running. */
  detach(): void;
}

export type LogSink = (stream: 'stdout' | 'stderr', data: string, at: string) => void;

/** A failure with a reason a person can act on; anything else is reported with its message. */
export class RuntimeFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RuntimeFailure';
  }
}

export function reasonOf(error: unknown): string {
  if (error instanceof RuntimeFailure) return error.reason;
  return error instanceof Error ? error.message : String(error);
}
