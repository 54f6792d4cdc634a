/**
 * The node agent's instance runtime: what runs one service instance on this node, whatever runs it
 * (`process`: OS processes, `docker`: a Docker Engine API, `hollow`: simulated for scale tests).
 *
 * How the agent drives it:
 * 1. Start-up: subscribe to `events()` and `logs()`, then `list()`. It re-adopts whatever a previous agent left (processes from the state
 *    directory, containers by label), so the agent can compare them with the pods it should run: `remove()`
 *    the ones it should not, `start(spec)` the ones it should. `start` of an adopted instance with the same
 *    spec is a no-op (`action: 'unchanged'`) that hands the spec back, which is what resumes supervision
 *    (crash restarts, health checks): an adopted instance without its spec is watched but never restarted,
 *    because the spec's env holds secret values the runtime deliberately never writes down.
 * 2. Desired state: `start(spec)` for `running` (idempotent: same spec → unchanged, new spec → replaced),
 *    `stop(id)` for `stopped`, `remove(id)` when the instance leaves the node, `restart(id)` on request.
 *    Every call answers with the outcome and the instance's state, so the agent can report at once.
 * 3. Reports: consume `events()` and `logs()` with `for await` for as long as the agent runs, and poll
 *    `stats()` on the stats interval. Events are few and ordered per instance; when a consumer falls so
 *    far behind that the bounded buffer overflows, it receives one `dropped` marker and should resync from
 *    `list()` (level-triggered, like the reconciler).
 * 4. Shutdown: `close()` stops supervising and leaves instances running for the next agent to adopt.
 *
 * Errors never throw out of `start`/`stop`/`restart`: they come back as `{ ok: false, reason }` with a
 * reason a person can act on, and as an `error` event.
 */
import type { InstanceRuntimeState } from '@libs/queues';

export type RuntimeKind = 'process' | 'docker' | 'hollow';

// ---------------------------------------------------------------------------------------------------
// What to run: derived from Kontena's service pod (kontena-behaviour.md §7), see `instance-spec.ts`.
// ---------------------------------------------------------------------------------------------------

export interface PortSpec {
  container_port: number;
  /** The host port to publish on; absent or null: the runtime picks a free one and reports it. */
  node_port?: number | null;
  protocol: 'tcp' | 'udp';
  /** Host address to publish on (docker only; default all addresses). */
  ip?: string | null;
}

export interface HealthCheckSpec {
  protocol: 'tcp' | 'http';
  /** A container port; the runtime probes wherever that port answers on this node. */
  port: number;
  /** HTTP path, default `/`. 200–399 is healthy; redirects are not followed (as Kontena's agent). */
  uri?: string | null;
  /** Seconds between probes. */
  interval: number;
  /** Seconds a probe may take. */
  timeout: number;
  /** Seconds after each start before the first probe. */
  initial_delay: number;
}

export interface InstanceSpec {
  /** `<grid>/<stack>/<service>/<n>`. */
  instanceId: string;
  /** Container name (`<stack>.<service>-<n>`, Kontena's), unique on the node. */
  name: string;
  service_revision: number;
  /** The deploy that placed this spec; part of the spec, so a new deploy replaces the instance. */
  deploy_rev: string;
  /** Image reference (docker, hollow); the process runtime ignores it. */
  image: string;
  cmd?: string[] | null;
  /** Docker's entrypoint; Kontena's single string becomes a one-element array, as Docker reads it. */
  entrypoint?: string[] | null;
  /** Everything the instance sees, secret values included: never logged, never written to disk. */
  env: Record<string, string>;
  ports: PortSpec[];
  /** Default `SIGTERM`. */
  stop_signal?: string | null;
  /** Seconds between the stop signal and SIGKILL; default 10 (Kontena's). */
  stop_grace_period?: number | null;
  health_check?: HealthCheckSpec | null;
  /** A container port that must answer before the instance counts as running (§5 `wait_for_port`). */
  wait_for_port?: number | null;
  cpus?: number | null;
  cpu_shares?: number | null;
  /** Bytes. */
  memory?: number | null;
  memory_swap?: number | null;
  /** `name`, `uid`, `name:group` or `uid:gid`. */
  user?: string | null;
  labels: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------
// What runs.
// ---------------------------------------------------------------------------------------------------

/**
 * The state the agent reports (`@libs/queues` `InstanceRuntimeState`): `starting` (first launch, waiting
 * for its port), `running`, `crashed` (exited unexpectedly, restart pending), `restarting` (a restart is
 * under way), `error` (the last start failed, retry pending), `exited` (ended, no restart pending: an
 * adopted instance whose spec the agent has not handed back), `stopped` (on request).
 */
export type InstanceStatus = Exclude<InstanceRuntimeState, 'removed'>;

export type HealthStatus = 'healthy' | 'unhealthy';

/** Where a container port answers on this node (same shape as the agent's state report). */
export interface MappedPort {
  container_port: number;
  host_port: number;
  protocol: 'tcp' | 'udp';
}

export interface InstanceState {
  instanceId: string;
  name: string;
  runtime: RuntimeKind;
  status: InstanceStatus;
  service_revision: number;
  deploy_rev: string;
  /** Fingerprint of the spec it runs (see `specFingerprint`): equal hashes, same instance. */
  spec_hash: string;
  /** False for an instance adopted from a previous agent until `start(spec)` hands its spec back. */
  supervised: boolean;
  ports: MappedPort[];
  pid: number | null;
  container_id: string | null;
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
  /** Restarts since this runtime took the instance over (crashes, health, requests). */
  restarts: number;
  health: HealthStatus | null;
  /** Why it is not running, when it is not and should be. */
  error: string | null;
}

export interface InstanceStats {
  instanceId: string;
  at: string;
  /** Percent of one CPU since the previous sample (over the instance's lifetime for the first); may exceed 100. */
  cpu_pct: number;
  memory_bytes: number;
  /** The enforced limit, or the spec's when the runtime cannot enforce one (process). */
  memory_limit: number | null;
  /** Processes in the instance, where the runtime can count them. */
  processes: number | null;
  network: { rx_bytes: number; tx_bytes: number } | null;
}

// ---------------------------------------------------------------------------------------------------
// Operation outcomes.
// ---------------------------------------------------------------------------------------------------

export type StartAction =
  /** Nothing existed: created and started. */
  | 'created'
  /** It existed with this spec but was not running (stopped, exited, waiting to retry): started now. */
  | 'started'
  /** It existed with another spec: stopped, removed and created anew. */
  | 'replaced'
  /** Already running this spec: nothing done (for an adopted instance: supervision resumed). */
  | 'unchanged';

export type StartOutcome =
  | { ok: true; action: StartAction; state: InstanceState }
  | {
      ok: false;
      reason: string;
      exit_code?: number | null;
      stderr_tail?: string[];
      /** Null when nothing was created (invalid spec, name taken). */
      state: InstanceState | null;
    };

export type StopOutcome =
  | {
      ok: true;
      state: InstanceState;
      exit_code: number | null;
      /** SIGKILL after the grace period. */ killed: boolean;
    }
  | { ok: false; reason: string; state: InstanceState | null };

export type RemoveOutcome = { ok: true; existed: boolean } | { ok: false; reason: string };

// ---------------------------------------------------------------------------------------------------
// Reports: instance events and log lines.
// ---------------------------------------------------------------------------------------------------

export type RestartReason = 'crashed' | 'unhealthy' | 'requested' | 'start_failed';

export type InstanceEventBody =
  /** A launch begins (`attempt` counts launches of this instance by this runtime). */
  | { type: 'starting'; attempt: number }
  /** Up, and its `wait_for_port` answered when it has one. */
  | { type: 'running'; ports: MappedPort[]; pid: number | null; container_id: string | null }
  /** Its main process ended, for whatever reason; what follows says what happens next. */
  | {
      type: 'exited';
      exit_code: number | null;
      signal: string | null;
      oom_killed: boolean;
      stderr_tail: string[];
    }
  /** It exited unexpectedly; a restart follows after `restart_in_ms` (Kontena's back-off, §7 agent). */
  | { type: 'crashed'; exit_code: number | null; restarts: number; restart_in_ms: number }
  /** A restart begins now. */
  | { type: 'restarting'; reason: RestartReason }
  /** The health check changed its verdict; `unhealthy` is followed by a restart (§6 `service:health_check`). */
  | { type: 'health'; status: HealthStatus; detail: string; failures: number }
  /** Stopped on request. */
  | { type: 'stopped'; exit_code: number | null; killed: boolean }
  /** Something failed; `restart_in_ms` says when the runtime tries again (null: it will not by itself). */
  | {
      type: 'error';
      reason: string;
      exit_code: number | null;
      stderr_tail: string[];
      restart_in_ms: number | null;
    }
  /** Found at start-up, left by a previous agent. */
  | { type: 'adopted'; status: InstanceStatus }
  | { type: 'removed' };

export type InstanceEventType = InstanceEventBody['type'];

export type InstanceEvent = InstanceEventBody & {
  instanceId: string;
  /** ISO time on the node. */
  at: string;
  /** Increases by one per event of this runtime: a consumer can tell it saw them all. */
  seq: number;
};

/** The consumer fell behind and `count` events were dropped: resync from `list()`. */
export interface EventsDropped {
  type: 'dropped';
  count: number;
  at: string;
}

export type RuntimeEvent = InstanceEvent | EventsDropped;

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** One line, without its newline (lines longer than the runtime's limit arrive in pieces). */
  data: string;
  at: string;
}

/** Lines of one instance, in order; `dropped` lines were lost just before these (bounded memory). */
export interface LogBatch {
  instanceId: string;
  lines: LogLine[];
  dropped: number;
}

export interface SubscribeOptions {
  /** Ends the iteration. */
  signal?: AbortSignal;
}

// ---------------------------------------------------------------------------------------------------
// The runtime.
// ---------------------------------------------------------------------------------------------------

export interface InstanceRuntime {
  readonly kind: RuntimeKind;
  /** Creates and runs the instance; resolves once it runs (and `wait_for_port` answered) or failed. */
  start(spec: InstanceSpec): Promise<StartOutcome>;
  /** Stop signal, grace period, then SIGKILL; a stopped instance stays (stopped) until removed. */
  stop(instanceId: string): Promise<StopOutcome>;
  /** Stops (gracefully) and starts again with the same spec; starts a stopped one. */
  restart(instanceId: string): Promise<StartOutcome>;
  /** Stops if needed and deletes it with everything it owns on the node; idempotent. */
  remove(instanceId: string): Promise<RemoveOutcome>;
  /**
   * Everything this runtime owns on the node, including what a previous agent left (looked for again on
   * every call). Rejects when that cannot be looked up (e.g. the container engine does not answer).
   */
  list(): Promise<InstanceState[]>;
  inspect(instanceId: string): Promise<InstanceState | null>;
  /** Samples of the running instances (one, when `instanceId` is given). */
  stats(instanceId?: string): Promise<InstanceStats[]>;
  /** Instance events from now on, in order, until `close()` or the signal. */
  events(options?: SubscribeOptions): AsyncIterableIterator<RuntimeEvent>;
  /** Log lines from now on, batched per instance, until `close()` or the signal. */
  logs(options?: SubscribeOptions): AsyncIterableIterator<LogBatch>;
  /** Stops supervising and ends the iterators; instances keep running for the next agent to adopt. */
  close(): Promise<void>;
}
