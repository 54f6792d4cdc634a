import { ChildProcess, spawn } from 'node:child_process';
import { chown, mkdir, open, readdir, readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import { normalizeSignal, specFingerprint, stopGraceMs } from '../instance-spec';
import { hostPortFor, planHostPorts, portEnvironment } from '../ports';
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
import { FileTail } from './file-tail';
import { freeHostPort } from './host-ports';
import { InstanceDirectory, InstanceRecord } from './instance-directory';
import {
  cpuPercent,
  CLOCK_TICKS_PER_SECOND,
  instanceMembers,
  isSameProcess,
  parseRssBytes,
  ProcStat,
  readAllStats,
  readStat,
  uptimeSeconds,
} from './proc';
import { resolveUser } from './user';

export interface ProcessDriverOptions {
  /** Where instances live (one directory each, see `InstanceDirectory`). */
  stateDir: string;
  /** A log file is emptied once read past this many bytes. */
  maxLogFileBytes: number;
  /** Log files are followed with inotify; this poll is the safety net. */
  logPollMs: number;
  /** How often an adopted process (not our child, so no exit event) is checked for life. */
  exitPollMs: number;
  /** How often read log offsets are written down: at most this much output repeats after an agent crash. */
  offsetSaveMs: number;
  procRoot: string;
}

export const DEFAULT_PROCESS_DRIVER_OPTIONS: Omit<ProcessDriverOptions, 'stateDir'> = {
  maxLogFileBytes: 16 * 1024 * 1024,
  logPollMs: 1_000,
  exitPollMs: 250,
  offsetSaveMs: 1_000,
  procRoot: '/proc',
};

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What the driver knows about one instance: the supervisor's `stored` plus its own bookkeeping. */
interface ProcessInstance {
  directory: InstanceDirectory;
  stored: StoredInstance;
  memoryLimit: number | null;
  run: ProcessRun | null;
  pid: number | null;
  pidStartTicks: number | null;
  startedAt: string | null;
  tails: { stdout: FileTail; stderr: FileTail } | null;
  offsets: { stdout: number; stderr: number };
  savedOffsets: string;
  writes: Promise<void>;
}

/**
 * Instances as OS processes: `cmd[0]` with its arguments (no shell), the spec's env and nothing of the
 * agent's (its own credentials must not leak into workloads) but `PATH` and `HOME`, its own working
 * directory, its own process group. There is no network namespace, so container ports map to host
 * ports (`PORT`, `PORT_<container port>` in its env).
 *
 * Processes are detached and write their output to files, so they outlive the agent: an agent upgrade or
 * crash does not restart the workloads (as Docker containers survive Kontena's agent), and the next agent
 * adopts them from `instance.json` (pid + start time). What that costs: an adopted process is not our
 * child, so its exit code is unknown (`exit_code: null`), and we learn of its exit by polling /proc.
 * Memory and CPU limits are reported but not enforced (that needs cgroups: use the docker runtime).
 */
export class ProcessDriver implements InstanceDriver {
  readonly kind = 'process' as const;
  private readonly options: ProcessDriverOptions;
  private readonly instances = new Map<string, ProcessInstance>();
  private readonly offsetSaver: NodeJS.Timeout;

  constructor(options: Partial<ProcessDriverOptions> & { stateDir: string }) {
    this.options = { ...DEFAULT_PROCESS_DRIVER_OPTIONS, ...options };
    this.offsetSaver = setInterval(() => this.saveOffsets(), this.options.offsetSaveMs);
    this.offsetSaver.unref();
  }

  async discover(
    isKnown: (instanceId: string) => boolean,
    sinkFor: (instanceId: string) => LogSink,
  ): Promise<FoundInstance[]> {
    await mkdir(this.options.stateDir, { recursive: true, mode: 0o711 });
    const found: FoundInstance[] = [];
    for (const entry of (await readdir(this.options.stateDir)).sort()) {
      const directory = new InstanceDirectory(join(this.options.stateDir, entry));
      const record = await directory.read();
      if (!record || isKnown(record.instanceId) || this.instances.has(record.instanceId)) continue;
      const instance = this.fromRecord(directory, record);
      this.instances.set(record.instanceId, instance);
      this.startTails(instance, sinkFor(record.instanceId));
      const alive =
        record.pid !== null &&
        (await isSameProcess(record.pid, record.pid_start_ticks, this.options.procRoot));
      if (alive) {
        instance.run = new ProcessRun(this, instance, null, this.options);
      } else {
        if (record.pid !== null) {
          // It ended while no agent watched: nobody collected its exit code.
          instance.stored.last_exit = {
            exit_code: null,
            signal: null,
            oom_killed: false,
            finished_at: new Date().toISOString(),
          };
          instance.pid = null;
          instance.pidStartTicks = null;
        }
        await this.drainTails(instance);
        await this.persist(instance);
      }
      found.push({ stored: instance.stored, run: instance.run });
    }
    return found;
  }

  async create(spec: InstanceSpec, previousPorts: MappedPort[]): Promise<StoredInstance> {
    const directory = new InstanceDirectory(join(this.options.stateDir, spec.name));
    const existing = await directory.read();
    if (existing && existing.instanceId !== spec.instanceId) {
      const alive =
        existing.pid !== null &&
        (await isSameProcess(existing.pid, existing.pid_start_ticks, this.options.procRoot));
      if (alive || this.instances.has(existing.instanceId)) {
        throw new RuntimeFailure(
          `name ${spec.name} is already used by instance ${existing.instanceId} (${directory.path})`,
        );
      }
    }
    const plan = planHostPorts(spec.ports, previousPorts, (protocol, port) =>
      this.portOwner(spec.instanceId, protocol, port),
    );
    if (!plan.ok) throw new RuntimeFailure(plan.reason);
    const ports: MappedPort[] = [];
    for (const port of plan.ports) {
      const host_port =
        port.host_port ??
        (await freeHostPort(
          port.protocol,
          (p) => ports.some((m) => m.host_port === p) || !!this.portOwner(spec.instanceId, port.protocol, p),
        ));
      ports.push({ container_port: port.container_port, host_port, protocol: port.protocol });
    }
    // What is left there belongs to nobody alive (a dead leftover, or this instance before a re-create).
    await directory.delete();
    await directory.create();
    const instance: ProcessInstance = {
      directory,
      stored: {
        instanceId: spec.instanceId,
        name: spec.name,
        spec_hash: '',
        service_revision: spec.service_revision,
        deploy_rev: spec.deploy_rev,
        ports,
        stop_signal: normalizeSignal(spec.stop_signal) ?? 'SIGTERM',
        stop_grace_ms: stopGraceMs(spec),
        container_id: null,
        last_exit: null,
        stopped: false,
      },
      memoryLimit: spec.memory ?? null,
      run: null,
      pid: null,
      pidStartTicks: null,
      startedAt: null,
      tails: null,
      offsets: { stdout: 0, stderr: 0 },
      savedOffsets: '',
      writes: Promise.resolve(),
    };
    instance.stored.spec_hash = specFingerprint(spec);
    this.instances.set(spec.instanceId, instance);
    await this.persist(instance);
    return instance.stored;
  }

  async launch(stored: StoredInstance, spec: InstanceSpec, sink: LogSink): Promise<InstanceRun> {
    const instance = this.instances.get(stored.instanceId);
    if (!instance) throw new RuntimeFailure(`instance ${stored.instanceId} has no directory on this node`);
    const argv = [...(spec.entrypoint ?? []), ...(spec.cmd ?? [])];
    if (argv.length === 0)
      throw new RuntimeFailure('nothing to run: the process runtime needs cmd (or entrypoint)');
    const identity = await this.identity(spec, instance);
    this.startTails(instance, sink);

    const env = {
      PATH: process.env.PATH || DEFAULT_PATH,
      HOME: instance.directory.work,
      ...spec.env,
      ...portEnvironment(stored.ports),
    };
    const stdout = await open(instance.directory.log('stdout'), 'a', 0o600);
    const stderr = await open(instance.directory.log('stderr'), 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(argv[0], argv.slice(1), {
        cwd: instance.directory.work,
        env,
        stdio: ['ignore', stdout.fd, stderr.fd],
        detached: true,
        ...identity,
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (error) {
      throw new RuntimeFailure(spawnFailure(argv[0], error as NodeJS.ErrnoException));
    } finally {
      await stdout.close();
      await stderr.close();
    }
    child.on('error', () => undefined);
    child.unref();
    const pid = child.pid!;
    instance.pid = pid;
    instance.pidStartTicks = (await readStat(pid, this.options.procRoot))?.startTicks ?? null;
    instance.startedAt = new Date().toISOString();
    instance.run = new ProcessRun(this, instance, child, this.options);
    await this.persist(instance);
    return instance.run;
  }

  async markStopped(stored: StoredInstance, stopped: boolean): Promise<void> {
    stored.stopped = stopped;
    const instance = this.instances.get(stored.instanceId);
    if (instance) await this.persist(instance);
  }

  async remove(stored: StoredInstance): Promise<void> {
    const instance = this.instances.get(stored.instanceId);
    if (!instance) return;
    this.instances.delete(stored.instanceId);
    await this.stopTails(instance);
    if (instance.pid !== null) killGroup(instance.pid, 'SIGKILL');
    await instance.writes;
    await instance.directory.delete();
  }

  async close(): Promise<void> {
    clearInterval(this.offsetSaver);
    for (const instance of this.instances.values()) {
      instance.run?.detach();
      await this.stopTails(instance);
      await this.persist(instance);
    }
  }

  // --- used by ProcessRun --------------------------------------------------------------------------

  private snapshot: { at: number; stats: Promise<Map<number, ProcStat>> } | null = null;

  /** All of /proc, read at most every 250 ms: a stats round over many instances reads it once. */
  processes(): Promise<Map<number, ProcStat>> {
    if (!this.snapshot || Date.now() - this.snapshot.at > 250) {
      this.snapshot = { at: Date.now(), stats: readAllStats(this.options.procRoot) };
    }
    return this.snapshot.stats;
  }

  /** After the main process ended: what it left in its group is killed (as a container's), output read. */
  async finishRun(instance: ProcessInstance, exit: ExitStatus): Promise<void> {
    await this.drainTails(instance);
    if (instance.run && this.instances.get(instance.stored.instanceId) === instance) {
      instance.run = null;
      instance.pid = null;
      instance.pidStartTicks = null;
      instance.stored.last_exit = exit;
      await this.persist(instance);
    }
  }

  // -------------------------------------------------------------------------------------------------

  private fromRecord(directory: InstanceDirectory, record: InstanceRecord): ProcessInstance {
    return {
      directory,
      stored: {
        instanceId: record.instanceId,
        name: record.name,
        spec_hash: record.spec_hash,
        service_revision: record.service_revision,
        deploy_rev: record.deploy_rev,
        ports: record.ports,
        stop_signal: record.stop_signal,
        stop_grace_ms: record.stop_grace_ms,
        container_id: null,
        last_exit: record.last_exit,
        stopped: record.stopped,
      },
      memoryLimit: record.memory_limit,
      run: null,
      pid: record.pid,
      pidStartTicks: record.pid_start_ticks,
      startedAt: record.started_at,
      tails: null,
      offsets: { ...record.log_offsets },
      savedOffsets: JSON.stringify(record.log_offsets),
      writes: Promise.resolve(),
    };
  }

  private record(instance: ProcessInstance): InstanceRecord {
    const { stored } = instance;
    return {
      format: 1,
      instanceId: stored.instanceId,
      name: stored.name,
      spec_hash: stored.spec_hash,
      service_revision: stored.service_revision,
      deploy_rev: stored.deploy_rev,
      ports: stored.ports,
      stop_signal: stored.stop_signal,
      stop_grace_ms: stored.stop_grace_ms,
      memory_limit: instance.memoryLimit,
      stopped: stored.stopped,
      last_exit: stored.last_exit,
      pid: instance.pid,
      pid_start_ticks: instance.pidStartTicks,
      started_at: instance.startedAt,
      log_offsets: this.currentOffsets(instance),
    };
  }

  /** Writes one instance's record at a time, so two writes never race on the rename. */
  private persist(instance: ProcessInstance): Promise<void> {
    instance.writes = instance.writes
      .then(async () => {
        if (this.instances.get(instance.stored.instanceId) !== instance) return;
        const record = this.record(instance);
        await instance.directory.write(record);
        instance.savedOffsets = JSON.stringify(record.log_offsets);
      })
      .catch(() => undefined);
    return instance.writes;
  }

  private saveOffsets(): void {
    for (const instance of this.instances.values()) {
      if (JSON.stringify(this.currentOffsets(instance)) !== instance.savedOffsets)
        void this.persist(instance);
    }
  }

  private currentOffsets(instance: ProcessInstance) {
    if (instance.tails)
      instance.offsets = { stdout: instance.tails.stdout.position, stderr: instance.tails.stderr.position };
    return instance.offsets;
  }

  private startTails(instance: ProcessInstance, sink: LogSink): void {
    if (instance.tails) return;
    const tail = (stream: 'stdout' | 'stderr') =>
      new FileTail(
        instance.directory.log(stream),
        instance.offsets[stream],
        (line, at) => sink(stream, line, at),
        {
          maxBytes: this.options.maxLogFileBytes,
          pollMs: this.options.logPollMs,
        },
      );
    instance.tails = { stdout: tail('stdout'), stderr: tail('stderr') };
    instance.tails.stdout.start();
    instance.tails.stderr.start();
  }

  private async drainTails(instance: ProcessInstance): Promise<void> {
    if (!instance.tails) return;
    await Promise.all([instance.tails.stdout.drain(), instance.tails.stderr.drain()]);
  }

  private async stopTails(instance: ProcessInstance): Promise<void> {
    if (!instance.tails) return;
    await Promise.all([instance.tails.stdout.stop(), instance.tails.stderr.stop()]);
    this.currentOffsets(instance);
    instance.tails = null;
  }

  private portOwner(instanceId: string, protocol: 'tcp' | 'udp', hostPort: number): string | undefined {
    for (const [id, instance] of this.instances) {
      if (
        id !== instanceId &&
        instance.stored.ports.some((p) => p.protocol === protocol && p.host_port === hostPort)
      )
        return id;
    }
    return undefined;
  }

  /** Who the process runs as; switching users needs the agent to run as root. */
  private async identity(
    spec: InstanceSpec,
    instance: ProcessInstance,
  ): Promise<{ uid?: number; gid?: number }> {
    if (!spec.user) return {};
    const [passwd, group] = await Promise.all([
      readFile('/etc/passwd', 'utf8').catch(() => ''),
      readFile('/etc/group', 'utf8').catch(() => ''),
    ]);
    const user = resolveUser(spec.user, passwd, group);
    if (!user.ok) throw new RuntimeFailure(`cannot run as ${spec.user}: ${user.reason}`);
    const self = process.getuid?.() ?? 0;
    if (self !== 0 && user.uid !== self) {
      throw new RuntimeFailure(
        `cannot run as ${spec.user}: the agent runs as uid ${self} and may not switch users`,
      );
    }
    await chown(instance.directory.work, user.uid, user.gid).catch(() => undefined);
    return { uid: user.uid, gid: user.gid };
  }
}

/** One run: our child (exit code known) or a process adopted from a previous agent (polled). */
class ProcessRun implements InstanceRun {
  readonly pid: number;
  readonly container_id = null;
  readonly started_at: string;
  readonly ports: MappedPort[];
  readonly exited: Promise<ExitStatus>;
  private readonly pidStartTicks: number | null;
  private resolveExit!: (exit: ExitStatus) => void;
  private finished = false;
  private detached = false;
  private poll: NodeJS.Timeout | null = null;
  /** Processes seen in the instance when it was signalled, to kill stragglers that left its group. */
  private readonly seen = new Map<number, number>();
  private previousSample: { ticks: number; atSeconds: number } | null = null;

  constructor(
    private readonly driver: ProcessDriver,
    private readonly instance: ProcessInstance,
    private readonly child: ChildProcess | null,
    private readonly options: ProcessDriverOptions,
  ) {
    this.pid = instance.pid!;
    this.pidStartTicks = instance.pidStartTicks;
    this.started_at = instance.startedAt ?? new Date().toISOString();
    this.ports = instance.stored.ports;
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    if (child) {
      child.once('exit', (code, signal) => void this.finish(exitCode(code, signal), signal));
      // It may have ended before we listened.
      if (child.exitCode !== null || child.signalCode !== null)
        void this.finish(exitCode(child.exitCode, child.signalCode), child.signalCode);
    } else {
      this.poll = setInterval(() => void this.checkAlive(), options.exitPollMs);
      this.poll.unref();
    }
  }

  address(containerPort: number) {
    return { host: '127.0.0.1', port: hostPortFor(containerPort, this.ports) };
  }

  async alive(): Promise<boolean> {
    return !this.finished && (await isSameProcess(this.pid, this.pidStartTicks, this.options.procRoot));
  }

  async signal(signal: NodeJS.Signals): Promise<void> {
    if (this.finished) return;
    // An adopted pid is only ours while its start time matches.
    if (!this.child && !(await isSameProcess(this.pid, this.pidStartTicks, this.options.procRoot))) return;
    await this.remember();
    killGroup(this.pid, signal, true);
  }

  async stats(): Promise<RunStats | null> {
    if (this.finished) return null;
    const all = await this.driver.processes();
    const members = instanceMembers(this.pid, all);
    const leader = all.get(this.pid);
    if (!leader || members.length === 0) return null;
    const rss = await Promise.all(
      members.map((m) =>
        readFile(`${this.options.procRoot}/${m.pid}/status`, 'utf8').then(parseRssBytes, () => 0),
      ),
    );
    const ticks = members.reduce((sum, m) => sum + m.cpuTicks, 0);
    const atSeconds = await uptimeSeconds(this.options.procRoot);
    const cpu_pct = cpuPercent(
      ticks,
      atSeconds,
      this.previousSample,
      leader.startTicks / CLOCK_TICKS_PER_SECOND,
    );
    this.previousSample = { ticks, atSeconds };
    return {
      cpu_pct,
      memory_bytes: rss.reduce((a, b) => a + b, 0),
      memory_limit: this.instance.memoryLimit,
      processes: members.length,
      network: null,
    };
  }

  detach(): void {
    this.detached = true;
    if (this.poll) clearInterval(this.poll);
    this.child?.removeAllListeners('exit');
  }

  private async checkAlive(): Promise<void> {
    if (this.finished || this.detached) return;
    if (!(await isSameProcess(this.pid, this.pidStartTicks, this.options.procRoot)))
      void this.finish(null, null);
  }

  private async remember(): Promise<void> {
    const all = await readAllStats(this.options.procRoot).catch(() => new Map());
    for (const member of instanceMembers(this.pid, all)) this.seen.set(member.pid, member.startTicks);
  }

  private async finish(exit_code: number | null, signal: string | null): Promise<void> {
    if (this.finished || this.detached) return;
    this.finished = true;
    if (this.poll) clearInterval(this.poll);
    // A container ends with its first process; so does an instance: no orphans.
    killGroup(this.pid, 'SIGKILL');
    for (const [pid, startTicks] of this.seen) {
      if (pid !== this.pid && (await isSameProcess(pid, startTicks, this.options.procRoot)))
        killProcess(pid, 'SIGKILL');
    }
    const exit: ExitStatus = { exit_code, signal, oom_killed: false, finished_at: new Date().toISOString() };
    await this.driver.finishRun(this.instance, exit);
    this.resolveExit(exit);
  }
}

/** Shells and Docker report death by signal N as exit code 128 + N. */
function exitCode(code: number | null, signal: NodeJS.Signals | null): number | null {
  if (code !== null) return code;
  return signal ? 128 + (constants.signals[signal] ?? 0) : null;
}

/**
 * Signals a process group. Only a live leader may be signalled by pid when the group is gone: once it
 * died its pid may already name someone else.
 */
function killGroup(pgid: number, signal: NodeJS.Signals, leaderAlive = false): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    if (leaderAlive) killProcess(pgid, signal);
  }
}

function killProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function spawnFailure(command: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `command not found: ${JSON.stringify(command)} (not a file, nor on the PATH the instance gets)`;
    case 'EACCES':
      return `${JSON.stringify(command)} is not executable (permission denied)`;
    case 'EPERM':
      return `not permitted to start ${JSON.stringify(command)} as the requested user`;
    default:
      return `cannot spawn ${JSON.stringify(command)}: ${error.message}`;
  }
}
