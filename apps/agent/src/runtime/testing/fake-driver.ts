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
import { RuntimeFailure } from '../supervision/driver';
import type { ProbeResult } from '../supervision/health-verdict';
import type { Probes } from '../supervision/probes';

/** A run the test controls: it exits when told, or when signalled with a signal it does not ignore. */
export class FakeRun implements InstanceRun {
  readonly container_id = null;
  readonly started_at = new Date().toISOString();
  readonly signals: string[] = [];
  readonly ignored = new Set<string>();
  detachedFlag = false;
  private resolveExit!: (exit: ExitStatus) => void;
  readonly exited = new Promise<ExitStatus>((resolve) => (this.resolveExit = resolve));
  private done = false;

  constructor(
    readonly pid: number,
    readonly ports: MappedPort[],
    private readonly sink: LogSink,
  ) {}

  write(stream: 'stdout' | 'stderr', data: string): void {
    this.sink(stream, data, new Date().toISOString());
  }

  exit(exit_code: number | null, signal: string | null = null): void {
    if (this.done) return;
    this.done = true;
    this.resolveExit({ exit_code, signal, oom_killed: false, finished_at: new Date().toISOString() });
  }

  get running(): boolean {
    return !this.done;
  }

  async alive(): Promise<boolean> {
    return !this.done;
  }

  address(containerPort: number) {
    return {
      host: '127.0.0.1',
      port: this.ports.find((p) => p.container_port === containerPort)?.host_port ?? containerPort,
    };
  }

  async signal(signal: NodeJS.Signals): Promise<void> {
    this.signals.push(signal);
    if (!this.ignored.has(signal) || signal === 'SIGKILL')
      setTimeout(() => this.exit(signal === 'SIGKILL' ? 137 : 143, signal), 1);
  }

  async stats(): Promise<RunStats> {
    return { cpu_pct: 1.5, memory_bytes: 1024, memory_limit: null, processes: 1, network: null };
  }

  detach(): void {
    this.detachedFlag = true;
  }
}

/**
 * A driver whose runs are `FakeRun`s, to test the lifecycle in milliseconds. `onLaunch` decides what each
 * new run does (exit at once, write to stderr…); `launchFailure` makes launches throw.
 */
export class FakeDriver implements InstanceDriver {
  readonly kind = 'process' as const;
  readonly runs: FakeRun[] = [];
  readonly created: string[] = [];
  readonly removed: string[] = [];
  leftovers: FoundInstance[] = [];
  launchFailure: string | null = null;
  onLaunch: (run: FakeRun, spec: InstanceSpec) => void = () => undefined;
  private nextPid = 1000;

  async discover(
    isKnown: (id: string) => boolean,
    sinkFor: (id: string) => LogSink,
  ): Promise<FoundInstance[]> {
    void sinkFor;
    return this.leftovers.filter((l) => !isKnown(l.stored.instanceId));
  }

  /** The previous ports `create` was given, per call. */
  readonly previousPorts: MappedPort[][] = [];

  async create(spec: InstanceSpec, previousPorts: MappedPort[]): Promise<StoredInstance> {
    this.created.push(spec.name);
    this.previousPorts.push(previousPorts);
    return storedFor(spec, previousPorts.length > 0 ? previousPorts : portsFor(spec, this.created.length));
  }

  async launch(stored: StoredInstance, spec: InstanceSpec, sink: LogSink): Promise<InstanceRun> {
    if (this.launchFailure) throw new RuntimeFailure(this.launchFailure);
    const run = new FakeRun(this.nextPid++, stored.ports, sink);
    this.runs.push(run);
    this.onLaunch(run, spec);
    return run;
  }

  async markStopped(stored: StoredInstance, stopped: boolean): Promise<void> {
    stored.stopped = stopped;
  }

  async remove(stored: StoredInstance): Promise<void> {
    this.removed.push(stored.name);
  }

  async close(): Promise<void> {}

  get lastRun(): FakeRun {
    return this.runs[this.runs.length - 1];
  }

  /** A leftover from a "previous agent", running or not. */
  leaveBehind(spec: InstanceSpec, running: boolean, sink: LogSink = () => undefined): FakeRun | null {
    const stored = storedFor(spec, portsFor(spec));
    const run = running ? new FakeRun(this.nextPid++, stored.ports, sink) : null;
    if (run) this.runs.push(run);
    this.leftovers.push({ stored, run });
    return run;
  }
}

/** Each creation gets other host ports (like a real allocation), unless `create` is given previous ones. */
function portsFor(spec: InstanceSpec, creation = 1): MappedPort[] {
  return spec.ports.map((p, i) => ({
    container_port: p.container_port,
    host_port: p.node_port ?? 40_000 + (creation - 1) * 100 + i,
    protocol: p.protocol,
  }));
}

function storedFor(spec: InstanceSpec, ports: MappedPort[]): StoredInstance {
  return {
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
}

/** Probes that answer what the test says, per port. */
export class FakeProbes implements Probes {
  readonly answers = new Map<number, ProbeResult>();
  readonly calls: number[] = [];
  fallback: ProbeResult = { ok: false, detail: 'connection refused' };

  answer(port: number, ok: boolean, detail = ok ? 'open' : 'connection refused'): void {
    this.answers.set(port, { ok, detail });
  }

  async tcp(_host: string, port: number): Promise<ProbeResult> {
    this.calls.push(port);
    return this.answers.get(port) ?? this.fallback;
  }

  async http(_host: string, port: number): Promise<ProbeResult> {
    this.calls.push(port);
    const answer = this.answers.get(port) ?? this.fallback;
    return answer.ok ? { ok: true, detail: 'HTTP 200' } : { ok: false, detail: 'HTTP 503' };
  }
}
