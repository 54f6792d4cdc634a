import Docker, { Container, ContainerInspectInfo } from 'dockerode';
import { specFingerprint, stopGraceMs, normalizeSignal } from '../instance-spec';
import { hostPortFor } from '../ports';
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
import { reasonOf, RuntimeFailure } from '../supervision/driver';
import {
  containerAddress,
  containerCreateOptions,
  LABEL,
  publishedPorts,
  storedFromContainer,
} from './container-config';
import { containerCpuPercent, ContainerLogReader, LogCursor } from './log-stream';

export interface DockerDriverOptions {
  /** The engine's API socket (Docker's `/var/run/docker.sock`, or Podman's). */
  socketPath: string;
  /**
   * Containers carry `io.kontena.agent.scope=<scope>`, and this runtime only ever sees its own scope, so
   * agents (or test files) sharing one engine never touch each other's containers.
   */
  scope: string;
  /** How long an image pull may take. */
  pullTimeoutMs: number;
  /** How long to keep reading output after the container ended, for the last lines. */
  logDrainMs: number;
  /** An engine client to use instead of one for `socketPath` (tests). */
  docker?: Docker;
}

export const DEFAULT_DOCKER_DRIVER_OPTIONS: Omit<DockerDriverOptions, 'socketPath'> = {
  scope: 'default',
  pullTimeoutMs: 300_000,
  logDrainMs: 2_000,
};

interface ContainerInstance {
  stored: StoredInstance;
  memoryLimit: number | null;
  cursor: LogCursor;
  run: DockerRun | null;
}

/**
 * Instances as containers on a Docker Engine API (Docker itself, or Podman's compatible service): named
 * after the instance, labelled `io.kontena.*`, ports published, no restart policy (the supervisor
 * restarts with Kontena's back-off, as Kontena's agent did). Output comes from the logs API, exits from
 * the wait API, usage from the stats API. Containers outlive the agent; the next one adopts them by label.
 */
export class DockerDriver implements InstanceDriver {
  readonly kind = 'docker' as const;
  private readonly options: Omit<DockerDriverOptions, 'docker'>;
  readonly docker: Docker;
  private readonly instances = new Map<string, ContainerInstance>();

  constructor(options: Partial<DockerDriverOptions> & { socketPath: string }) {
    this.options = { ...DEFAULT_DOCKER_DRIVER_OPTIONS, ...options };
    this.docker = options.docker ?? new Docker({ socketPath: options.socketPath });
  }

  async discover(
    isKnown: (instanceId: string) => boolean,
    sinkFor: (instanceId: string) => LogSink,
  ): Promise<FoundInstance[]> {
    const listed = await this.engine('list containers', () =>
      this.docker.listContainers({ all: true, filters: { label: [`${LABEL.scope}=${this.options.scope}`] } }),
    );
    const found: FoundInstance[] = [];
    for (const summary of listed) {
      const instanceId = summary.Labels?.[LABEL.instanceId];
      if (!instanceId || isKnown(instanceId) || this.instances.has(instanceId)) continue;
      const info = await this.inspect(this.docker.getContainer(summary.Id));
      const stored = info && storedFromContainer(info);
      if (!info || !stored) continue;
      const instance: ContainerInstance = {
        stored,
        memoryLimit: info.HostConfig.Memory || null,
        cursor: new LogCursor(),
        run: null,
      };
      this.instances.set(instanceId, instance);
      // Output written while no agent was there is not replayed: the engine keeps no offset of ours.
      if (info.State.Running)
        instance.run = new DockerRun(this, instance, info, sinkFor(instanceId), Date.now());
      found.push({ stored, run: instance.run });
    }
    return found;
  }

  async create(spec: InstanceSpec): Promise<StoredInstance> {
    await this.ensureImage(spec.image);
    const existing = await this.inspect(this.docker.getContainer(spec.name));
    if (existing) {
      const owner = existing.Config.Labels?.[LABEL.instanceId];
      const scope = existing.Config.Labels?.[LABEL.scope];
      if (owner !== spec.instanceId || scope !== this.options.scope) {
        throw new RuntimeFailure(
          `name ${spec.name} is already used by container ${existing.Id.slice(0, 12)}${owner ? ` (instance ${owner})` : ''}`,
        );
      }
      // A leftover of this very instance that nobody adopted (e.g. created just before an agent crash).
      await this.removeContainer(existing.Id);
    }
    const container = await this.engine(`create container ${spec.name}`, () =>
      this.docker.createContainer(containerCreateOptions(spec, this.options.scope)),
    );
    const stored: StoredInstance = {
      instanceId: spec.instanceId,
      name: spec.name,
      spec_hash: specFingerprint(spec),
      service_revision: spec.service_revision,
      deploy_rev: spec.deploy_rev,
      ports: [],
      stop_signal: normalizeSignal(spec.stop_signal) ?? 'SIGTERM',
      stop_grace_ms: stopGraceMs(spec),
      container_id: container.id,
      last_exit: null,
      stopped: false,
    };
    this.instances.set(spec.instanceId, {
      stored,
      memoryLimit: spec.memory ?? null,
      cursor: new LogCursor(),
      run: null,
    });
    return stored;
  }

  async launch(stored: StoredInstance, _spec: InstanceSpec, sink: LogSink): Promise<InstanceRun> {
    const instance = this.instances.get(stored.instanceId);
    if (!instance || !stored.container_id)
      throw new RuntimeFailure(`instance ${stored.instanceId} has no container on this node`);
    const container = this.docker.getContainer(stored.container_id);
    try {
      await container.start();
    } catch (error) {
      // 304: already running (a restart racing a start elsewhere); anything else is a real failure.
      if ((error as { statusCode?: number }).statusCode !== 304)
        throw new RuntimeFailure(engineMessage(error));
    }
    const info = await this.inspect(container);
    if (!info) throw new RuntimeFailure(`container ${stored.name} disappeared right after it started`);
    instance.cursor.rewind();
    instance.run = new DockerRun(this, instance, info, sink, Date.parse(info.State.StartedAt));
    stored.ports = instance.run.ports;
    return instance.run;
  }

  async markStopped(stored: StoredInstance, stopped: boolean): Promise<void> {
    // Labels cannot change after creation: an adopted container that is not running reads as exited.
    stored.stopped = stopped;
  }

  async remove(stored: StoredInstance): Promise<void> {
    this.instances.delete(stored.instanceId);
    if (stored.container_id) await this.removeContainer(stored.container_id);
  }

  async close(): Promise<void> {
    for (const instance of this.instances.values()) instance.run?.detach();
  }

  // -------------------------------------------------------------------------------------------------

  async inspect(container: Container): Promise<ContainerInspectInfo | null> {
    try {
      return await container.inspect();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw new RuntimeFailure(engineMessage(error));
    }
  }

  /** Runs an engine call, turning "nothing answers on the socket" into a reason that says so. */
  private async engine<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') {
        throw new RuntimeFailure(
          `no container engine answers on ${this.options.socketPath} (${code}); cannot ${what}`,
        );
      }
      throw new RuntimeFailure(`cannot ${what}: ${engineMessage(error)}`);
    }
  }

  private async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409) throw new RuntimeFailure(engineMessage(error));
    }
  }

  /** Kontena's agent pulled an image it did not have (agent `service_pods/creator.rb#ensure_image`). */
  private async ensureImage(image: string): Promise<void> {
    try {
      await this.docker.getImage(image).inspect();
      return;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) {
        await this.engine(`inspect image ${image}`, () => Promise.reject(error));
      }
    }
    try {
      await withTimeout(
        this.docker.pull(image).then(
          (stream) =>
            new Promise<void>((resolve, reject) =>
              this.docker.modem.followProgress(
                stream,
                (error: Error | null, events: Array<{ error?: string }>) => {
                  // Engines report a failed pull as an event in the stream, not as a failed request.
                  const failed = error?.message ?? events?.find((e) => e.error)?.error;
                  if (failed) reject(new Error(failed));
                  else resolve();
                },
              ),
            ),
        ),
        this.options.pullTimeoutMs,
        `timed out after ${this.options.pullTimeoutMs / 1000} s`,
      );
    } catch (error) {
      throw new RuntimeFailure(
        `image ${image} is not on this node and pulling it failed: ${engineMessage(error)}`,
      );
    }
  }

  get logDrainMs(): number {
    return this.options.logDrainMs;
  }
}

/** One run of a container: from its start to the exit the wait API reports. */
class DockerRun implements InstanceRun {
  readonly pid: number | null;
  readonly container_id: string;
  readonly started_at: string;
  readonly ports: MappedPort[];
  readonly exited: Promise<ExitStatus>;
  private readonly ip: string | null;
  private readonly container: Container;
  private logs: NodeJS.ReadableStream | null = null;
  private logsEnded: Promise<void> = Promise.resolve();
  private detached = false;
  /** Ends the long-lived engine requests (wait, followed logs) when the agent lets go of the run. */
  private readonly requests = new AbortController();
  private previousSample: { usageNanos: number; atMs: number } | null = null;

  constructor(
    private readonly driver: DockerDriver,
    private readonly instance: ContainerInstance,
    info: ContainerInspectInfo,
    sink: LogSink,
    logsSinceMs: number,
  ) {
    this.container = driver.docker.getContainer(info.Id);
    this.container_id = info.Id;
    this.pid = info.State.Pid || null;
    this.started_at = info.State.StartedAt;
    this.ports = publishedPorts(info);
    this.ip = containerAddress(info);
    this.followLogs(sink, logsSinceMs);
    this.exited = this.waitForExit();
  }

  address(containerPort: number) {
    // Kontena probed the container's own (overlay) address; without one, the published port on the host.
    return this.ip
      ? { host: this.ip, port: containerPort }
      : { host: '127.0.0.1', port: hostPortFor(containerPort, this.ports) };
  }

  async alive(): Promise<boolean> {
    const info = await this.driver.inspect(this.container).catch(() => null);
    return !!info && info.State.Running && info.State.StartedAt === this.started_at;
  }

  async signal(signal: NodeJS.Signals): Promise<void> {
    try {
      await this.container.kill({ signal });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      // 404: gone; 409: not running. Either way there is nothing left to signal.
      if (status !== 404 && status !== 409) throw new RuntimeFailure(engineMessage(error));
    }
  }

  async stats(): Promise<RunStats | null> {
    const sample = await this.container.stats({ stream: false });
    const atMs = Date.now();
    const usageNanos = sample.cpu_stats?.cpu_usage?.total_usage ?? 0;
    const cpu_pct = containerCpuPercent(usageNanos, atMs, this.previousSample, Date.parse(this.started_at));
    this.previousSample = { usageNanos, atMs };
    const networks = Object.values(sample.networks ?? {});
    return {
      cpu_pct,
      memory_bytes: sample.memory_stats?.usage ?? 0,
      memory_limit: this.instance.memoryLimit,
      processes: (sample as { pids_stats?: { current?: number } }).pids_stats?.current ?? null,
      network:
        networks.length > 0
          ? {
              rx_bytes: networks.reduce((s, n) => s + (n.rx_bytes ?? 0), 0),
              tx_bytes: networks.reduce((s, n) => s + (n.tx_bytes ?? 0), 0),
            }
          : null,
    };
  }

  detach(): void {
    this.detached = true;
    this.requests.abort();
    (this.logs as unknown as { destroy?: () => void } | null)?.destroy?.();
  }

  private followLogs(sink: LogSink, sinceMs: number): void {
    const reader = new ContainerLogReader(this.instance.cursor, sink);
    this.logsEnded = this.container
      .logs({
        follow: true,
        stdout: true,
        stderr: true,
        timestamps: true,
        since: Math.floor(sinceMs / 1000),
        abortSignal: this.requests.signal,
      })
      .then(
        (stream) =>
          new Promise<void>((resolve) => {
            this.logs = stream;
            stream.on('data', (chunk: Buffer) => reader.push(chunk));
            const done = () => {
              reader.end();
              resolve();
            };
            stream.once('end', done);
            stream.once('close', done);
            stream.once('error', done);
          }),
      )
      .catch(() => undefined);
  }

  /** Resolves once the engine says the run ended, by whichever of its signals comes first. */
  private async waitForExit(): Promise<ExitStatus> {
    await new Promise<void>((resolve) => {
      let done = false;
      const finish = () => {
        if (!done && !this.detached) resolve();
        done = true;
      };
      // The wait API; if its connection breaks, the state is polled instead.
      void (async () => {
        while (!done && !this.detached) {
          try {
            await this.container.wait({ condition: 'not-running', abortSignal: this.requests.signal });
            return finish();
          } catch (error) {
            if ((error as { statusCode?: number }).statusCode === 404) return finish();
            await sleep(1_000);
            if (!(await this.alive())) return finish();
          }
        }
      })();
      // A followed log stream ends when the container stops, often well before the wait API answers.
      void this.logsEnded.then(async () => {
        while (!done && !this.detached) {
          if (!(await this.alive())) return finish();
          await sleep(500);
        }
      });
    });
    if (this.detached) return new Promise<ExitStatus>(() => undefined);
    const info = await this.driver.inspect(this.container).catch(() => null);
    // The last lines arrive after the exit; give the log stream a moment to end by itself.
    await withTimeout(this.logsEnded, this.driver.logDrainMs, '').catch(() => undefined);
    this.detach();
    this.instance.run = null;
    if (!info) {
      return { exit_code: null, signal: null, oom_killed: false, finished_at: new Date().toISOString() };
    }
    const exit: ExitStatus = {
      exit_code: info.State.ExitCode,
      signal: signalOf(info.State.ExitCode),
      oom_killed: info.State.OOMKilled,
      finished_at: info.State.FinishedAt,
    };
    this.instance.stored.last_exit = exit;
    return exit;
  }
}

/** Exit codes above 128 are deaths by signal (128 + N), as the engine reports them. */
function signalOf(exitCode: number): string | null {
  const names: Record<number, string> = {
    130: 'SIGINT',
    131: 'SIGQUIT',
    134: 'SIGABRT',
    137: 'SIGKILL',
    139: 'SIGSEGV',
    143: 'SIGTERM',
  };
  return names[exitCode] ?? null;
}

function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  if (json?.message) return json.message;
  return reasonOf(error).replace(/^\(HTTP code \d+\) [a-z ]+ - /, '');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
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
