import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import {
  AgentReport,
  AgentReportJob,
  bullPrefix,
  ContainerLogReport,
  InstanceEventReport,
  InstanceStateReport,
  QUEUES,
  RETENTION,
  RETRYING,
  sendTelemetry,
  StatsReport,
} from '@libs/queues';

/** Log lines held per node before the oldest are shed (telemetry may be shed; states never are). */
const MAX_BUFFERED_LINES = 5_000;
const MAX_LINES_PER_REPORT = 500;
/**
 * How long a provisional state (`starting`: usually over within moments) waits for the instance's next state,
 * which replaces it. Most starts then cost one report job instead of two, and one event less in the log.
 */
export const PROVISIONAL_STATE_MS = 500;

interface Outgoing {
  report: AgentReport;
  settle: (error?: Error) => void;
}

/**
 * What an agent tells the master: instance states and events on `agent-reports` (they become events, so they
 * are retried and never dropped), log lines and stats on the telemetry stream (`TELEMETRY_STREAM`: batched,
 * shed here when the master does not take them, and the stream keeps only the newest when it falls behind).
 *
 * The reports one node makes in one turn of its event loop go as one job (`ReportBatch`), in order: every job
 * costs three BullMQ scripts in Redis and as many round trips in the agent and the master, and a start or a
 * crash is a state and an event at once.
 */
export class Reporter {
  private readonly reports: Queue<AgentReportJob>;
  private outbox: Outgoing[] = [];
  private lines: ContainerLogReport['entries'] = [];
  private shed = 0;
  /** Provisional states waiting to be sent or replaced, by instance. */
  private readonly provisional = new Map<string, { report: AgentReport; timer: NodeJS.Timeout }>();

  constructor(
    private readonly connection: Redis,
    private readonly redisPrefix: string,
    readonly nodeId: string,
    private readonly provisionalMs = PROVISIONAL_STATE_MS,
  ) {
    this.reports = new Queue<AgentReportJob>(QUEUES.reports, { connection, prefix: bullPrefix(redisPrefix) });
  }

  /**
   * Resolves once the report is on its way to the master. Every state replaces a provisional one of the same
   * instance that has not gone out yet (a state says what the instance is now; the older one is no news).
   *
   * A `provisional` state resolves at once and goes out after `provisionalMs` unless the instance's next state
   * came first. If it cannot be sent then, it is dropped: the next state says more, and until that arrives
   * the master keeps asking for the instance as if it had heard nothing.
   */
  state(
    report: Omit<InstanceStateReport, 'kind' | 'nodeId' | 'at'> & { at?: string },
    { provisional = false } = {},
  ): Promise<void> {
    const full: InstanceStateReport = {
      kind: 'instance-state',
      nodeId: this.nodeId,
      at: new Date().toISOString(),
      ...report,
    };
    const held = this.provisional.get(full.instanceId);
    if (held) {
      clearTimeout(held.timer);
      this.provisional.delete(full.instanceId);
    }
    if (!provisional) return this.send(full);
    const timer = setTimeout(() => {
      this.provisional.delete(full.instanceId);
      this.send(full).catch(() => undefined);
    }, this.provisionalMs);
    this.provisional.set(full.instanceId, { report: full, timer });
    return Promise.resolve();
  }

  event(report: Omit<InstanceEventReport, 'kind' | 'nodeId' | 'at'>): Promise<void> {
    return this.send({
      kind: 'instance-event',
      nodeId: this.nodeId,
      at: new Date().toISOString(),
      ...report,
    });
  }

  /** Into the outbox, which goes out as one job once this turn of the event loop is over. */
  private send(report: AgentReport): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.outbox.length === 0) setImmediate(() => void this.flush());
      this.outbox.push({ report, settle: (error) => (error ? reject(error) : resolve()) });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length === 0) return;
    const job: AgentReportJob =
      batch.length === 1
        ? batch[0].report
        : { kind: 'reports', nodeId: this.nodeId, reports: batch.map((o) => o.report) };
    try {
      await this.reports.add(job.kind, job, { ...RETENTION, ...RETRYING });
      for (const o of batch) o.settle();
    } catch (error) {
      for (const o of batch) o.settle(error as Error);
    }
  }

  /** Buffers log lines; `flushLogs()` sends them in batches. */
  log(entries: ContainerLogReport['entries']): void {
    this.lines.push(...entries);
    this.keepBound();
  }

  private keepBound(): void {
    const excess = this.lines.length - MAX_BUFFERED_LINES;
    if (excess > 0) {
      this.lines.splice(0, excess);
      this.shed += excess;
    }
  }

  /** Lines shed so far because the master did not take them fast enough. */
  get shedLines(): number {
    return this.shed;
  }

  /**
   * Sends the buffered lines, at most 500 a report. Lines that cannot be sent (Redis unreachable) go back to
   * the buffer, which sheds the oldest beyond its bound.
   */
  async flushLogs(): Promise<void> {
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    const reports: ContainerLogReport[] = [];
    for (let i = 0; i < lines.length; i += MAX_LINES_PER_REPORT)
      reports.push({ kind: 'logs', nodeId: this.nodeId, entries: lines.slice(i, i + MAX_LINES_PER_REPORT) });
    try {
      await sendTelemetry(this.connection, this.redisPrefix, reports);
    } catch (error) {
      // Before the lines buffered meanwhile: they are newer.
      this.lines = lines.concat(this.lines);
      this.keepBound();
      throw error;
    }
  }

  async stats(report: Omit<StatsReport, 'kind' | 'nodeId'>): Promise<void> {
    await sendTelemetry(this.connection, this.redisPrefix, [
      { kind: 'stats', nodeId: this.nodeId, ...report },
    ]);
  }

  async close(): Promise<void> {
    for (const { report, timer } of this.provisional.values()) {
      clearTimeout(timer);
      this.send(report).catch(() => undefined);
    }
    this.provisional.clear();
    await this.flush();
    await this.flushLogs().catch(() => undefined);
    await this.reports.close();
  }
}
