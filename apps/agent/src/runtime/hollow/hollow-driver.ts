import { normalizeSignal, specFingerprint, stopGraceMs } from '../instance-spec';
import type { InstanceSpec, MappedPort } from '../runtime';
import type {
  ExitStatus,
  FoundInstance,
  InstanceDriver,
  InstanceRun,
  LogSink,
  RunStats,
  StoredInstance,
} from '../supervision/driver';
import type { ProbeResult } from '../supervision/health-verdict';
import type { Probes } from '../supervision/probes';

export interface HollowOptions {
  /** Every random draw derives from it, the instance id and the attempt: same seed, same story. */
  seed: number;
  /** How long a start takes, drawn uniformly per attempt. */
  startLatencyMs: { min: number; max: number };
  /** Probability that a start fails (the instance "exits at once" with code 1). */
  failureRate: number;
  /** How long a stop signal takes to end an instance that honours it. */
  stopLatencyMs: number;
  /** One fake log line per running instance every so often; 0 for none. */
  logIntervalMs: number;
}

export const DEFAULT_HOLLOW_OPTIONS: HollowOptions = {
  seed: 1,
  startLatencyMs: { min: 50, max: 250 },
  failureRate: 0,
  stopLatencyMs: 10,
  logIntervalMs: 30_000,
};

/**
 * A number in [0, 1) that depends only on the seed and the key (FNV-1a, then a mulberry32 round), so a
 * draw for one instance never depends on how many draws other instances made before it: the same seed
 * gives the same latencies and failures whatever the order starts arrive in.
 */
export function hollowDraw(seed: number, key: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  let t = (hash + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

interface HollowInstance {
  stored: StoredInstance;
  attempts: number;
  run: HollowRun | null;
  sink: LogSink | null;
}

/**
 * Simulated instances for scale tests (Kubernetes' hollow nodes, kubemark): no process, no container,
 * just a record and a few timers, so one machine hosts hundreds of agents with thousands of instances.
 * The lifecycle around them is the real one (`InstanceSupervisor`): crash back-off, wait_for_port,
 * health checks and stop grace behave as on the real runtimes.
 */
export class HollowDriver implements InstanceDriver {
  readonly kind = 'hollow' as const;
  readonly options: HollowOptions;
  private readonly instances = new Map<string, HollowInstance>();
  private nextPort = 30_000;
  private readonly ticker: NodeJS.Timeout | null = null;
  private ticks = 0;

  constructor(options: Partial<HollowOptions> = {}) {
    this.options = { ...DEFAULT_HOLLOW_OPTIONS, ...options };
    if (this.options.logIntervalMs > 0) {
      // One timer for all instances, not one each.
      this.ticker = setInterval(() => this.writeFakeLogs(), this.options.logIntervalMs);
      this.ticker.unref();
    }
  }

  /** Probes that ask the simulation: a running hollow instance answers on all its ports, unless sickened. */
  readonly probes: Probes = {
    tcp: async (host) => this.probe(host),
    http: async (host) => {
      const answer = this.probe(host);
      return answer.ok
        ? { ok: true, detail: 'HTTP 200' }
        : { ok: false, detail: answer.detail === 'sick' ? 'HTTP 503' : answer.detail };
    },
  };

  async discover(): Promise<FoundInstance[]> {
    // Hollow instances live in this process only; a restarted hollow agent finds nothing.
    return [];
  }

  async create(spec: InstanceSpec, previousPorts: MappedPort[]): Promise<StoredInstance> {
    const ports = spec.ports.map((p) => ({
      container_port: p.container_port,
      host_port:
        p.node_port ??
        previousPorts.find((q) => q.container_port === p.container_port)?.host_port ??
        this.nextPort++,
      protocol: p.protocol,
    }));
    const stored: StoredInstance = {
      instanceId: spec.instanceId,
      name: spec.name,
      spec_hash: specFingerprint(spec),
      service_revision: spec.service_revision,
      deploy_rev: spec.deploy_rev,
      ports,
      stop_signal: normalizeSignal(spec.stop_signal) ?? 'SIGTERM',
      stop_grace_ms: stopGraceMs(spec),
      container_id: null,
      last_exit: null,
      stopped: false,
    };
    this.instances.set(spec.instanceId, { stored, attempts: 0, run: null, sink: null });
    return stored;
  }

  async launch(stored: StoredInstance, _spec: InstanceSpec, sink: LogSink): Promise<InstanceRun> {
    const instance = this.instances.get(stored.instanceId)!;
    const attempt = ++instance.attempts;
    const { min, max } = this.options.startLatencyMs;
    const latency =
      min + hollowDraw(this.options.seed, `${stored.instanceId}#${attempt}#latency`) * (max - min);
    await new Promise((resolve) => setTimeout(resolve, latency));
    const run = new HollowRun(this, instance);
    instance.run = run;
    instance.sink = sink;
    if (hollowDraw(this.options.seed, `${stored.instanceId}#${attempt}#failure`) < this.options.failureRate) {
      sink(
        'stderr',
        `hollow: simulated start failure of ${stored.name} (attempt ${attempt})`,
        new Date().toISOString(),
      );
      run.end(1, null);
    } else {
      sink('stdout', `hollow: ${stored.name} started (attempt ${attempt})`, new Date().toISOString());
    }
    return run;
  }

  async markStopped(stored: StoredInstance, stopped: boolean): Promise<void> {
    stored.stopped = stopped;
  }

  async remove(stored: StoredInstance): Promise<void> {
    this.instances.delete(stored.instanceId);
  }

  async close(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
  }

  /** Ends a running instance as if it crashed (for scale tests of crash handling). */
  crash(instanceId: string, exitCode = 1): boolean {
    const instance = this.instances.get(instanceId);
    const run = instance?.run;
    if (!run || !run.running) return false;
    instance.sink?.('stderr', `hollow: simulated crash (exit code ${exitCode})`, new Date().toISOString());
    run.end(exitCode, null);
    return true;
  }

  /** Makes a running instance fail its probes (health checks) until it is restarted. */
  sicken(instanceId: string): boolean {
    const run = this.instances.get(instanceId)?.run;
    if (!run || !run.running) return false;
    run.sick = true;
    return true;
  }

  private probe(host: string): ProbeResult {
    const run = this.instances.get(host)?.run;
    if (!run || !run.running) return { ok: false, detail: 'connection refused' };
    return run.sick ? { ok: false, detail: 'sick' } : { ok: true, detail: 'open' };
  }

  private writeFakeLogs(): void {
    this.ticks++;
    const at = new Date().toISOString();
    for (const instance of this.instances.values()) {
      if (instance.run?.running)
        instance.sink?.('stdout', `hollow: ${instance.stored.name} tick ${this.ticks}`, at);
    }
  }
}

class HollowRun implements InstanceRun {
  readonly pid = null;
  readonly container_id = null;
  readonly started_at = new Date().toISOString();
  readonly ports: MappedPort[];
  readonly exited: Promise<ExitStatus>;
  running = true;
  sick = false;
  private resolveExit!: (exit: ExitStatus) => void;
  private samples = 0;

  constructor(
    private readonly driver: HollowDriver,
    private readonly instance: HollowInstance,
  ) {
    this.ports = instance.stored.ports;
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  /** Probes reach a hollow instance by its id: no network involved. */
  address(containerPort: number) {
    return { host: this.instance.stored.instanceId, port: containerPort };
  }

  async alive(): Promise<boolean> {
    return this.running;
  }

  async signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    if (signal === 'SIGKILL') return this.end(137, 'SIGKILL');
    // Hollow instances honour any stop signal, after a short while.
    setTimeout(() => this.end(0, null), this.driver.options.stopLatencyMs).unref();
  }

  async stats(): Promise<RunStats | null> {
    if (!this.running) return null;
    const seed = this.driver.options.seed;
    const id = this.instance.stored.instanceId;
    // A stable footprint per instance and a CPU use that wanders from sample to sample.
    const memory_bytes = Math.round((16 + 240 * hollowDraw(seed, `${id}#memory`)) * 1024 * 1024);
    const cpu_pct = Math.round(100 * 40 * hollowDraw(seed, `${id}#cpu#${this.samples++}`)) / 100;
    return {
      cpu_pct,
      memory_bytes,
      memory_limit: null,
      processes: 1,
      network: { rx_bytes: 1024 * this.samples, tx_bytes: 2048 * this.samples },
    };
  }

  detach(): void {
    this.running = false;
  }

  end(exitCode: number, signal: string | null): void {
    if (!this.running) return;
    this.running = false;
    this.resolveExit({
      exit_code: exitCode,
      signal,
      oom_killed: false,
      finished_at: new Date().toISOString(),
    });
  }
}
