import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MappedPort } from '../runtime';
import type { ExitStatus } from '../supervision/driver';

/**
 * One directory per instance under the runtime's state directory, named after the container name:
 * `instance.json` (what the next agent needs to adopt it: no env, so no secrets), `stdout.log`,
 * `stderr.log`, and `work/`, the working directory (kept across restarts of the instance as a container
 * keeps its filesystem, deleted with the instance).
 */
export interface InstanceRecord {
  format: 1;
  instanceId: string;
  name: string;
  spec_hash: string;
  service_revision: number;
  deploy_rev: string;
  ports: MappedPort[];
  stop_signal: NodeJS.Signals;
  stop_grace_ms: number;
  memory_limit: number | null;
  stopped: boolean;
  last_exit: ExitStatus | null;
  /** The running process, if any, with its start time so a reused pid is never mistaken for it. */
  pid: number | null;
  pid_start_ticks: number | null;
  started_at: string | null;
  /** How far the agent has read each log file. */
  log_offsets: { stdout: number; stderr: number };
}

export class InstanceDirectory {
  constructor(readonly path: string) {}

  get work(): string {
    return join(this.path, 'work');
  }

  log(stream: 'stdout' | 'stderr'): string {
    return join(this.path, `${stream}.log`);
  }

  private get recordPath(): string {
    return join(this.path, 'instance.json');
  }

  /**
   * The instance directory may be traversed by anyone (0711) so that an instance running as another user
   * can reach its working directory; its files stay the agent's (0600), `work/` the instance's.
   */
  async create(): Promise<void> {
    await mkdir(this.path, { recursive: true, mode: 0o711 });
    await mkdir(this.work, { mode: 0o700 });
  }

  async read(): Promise<InstanceRecord | null> {
    try {
      const record = JSON.parse(await readFile(this.recordPath, 'utf8')) as InstanceRecord;
      return record.format === 1 && typeof record.instanceId === 'string' ? record : null;
    } catch {
      return null;
    }
  }

  /** Atomic: a crash mid-write leaves the previous record, never half of one. */
  async write(record: InstanceRecord): Promise<void> {
    const temporary = `${this.recordPath}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(record, null, 2), { mode: 0o600 });
    await rename(temporary, this.recordPath);
  }

  async delete(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}
