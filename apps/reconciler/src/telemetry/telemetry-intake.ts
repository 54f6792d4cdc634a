import type Redis from 'ioredis';
import type { ContainerLogReport, StatsReport, TelemetryReport } from '@libs/queues';
import type { AgentDataKeys } from '@libs/read-model';
import { containerLogLines } from './container-log-lines';
import { ContainerLogWriter } from './container-log-writer';
import { SharedLogBudget, SharedLogBudgetOptions } from './shared-log-budget';
import { StatsRecorder } from './stats-recorder';

/** What the intake did since the last summary: counts only, never a line's content. */
export interface TelemetryCounts {
  logLines: number;
  /** Lines kept out of the grid and stack streams by the shared budget (still in the service's stream). */
  logLinesServiceOnly: number;
  logLinesRefused: number;
  logLinesShed: number;
  logLinesTruncated: number;
  statsReports: number;
  statsReportsShed: number;
  statsRefused: number;
  /** Reports that waited in the queue longer than the maximum age: dropped unread. */
  reportsTooOld: number;
  reportsUnknown: number;
}

const zero = (): TelemetryCounts => ({
  logLines: 0,
  logLinesServiceOnly: 0,
  logLinesRefused: 0,
  logLinesShed: 0,
  logLinesTruncated: 0,
  statsReports: 0,
  statsReportsShed: 0,
  statsRefused: 0,
  reportsTooOld: 0,
  reportsUnknown: 0,
});

export interface TelemetryIntakeOptions {
  /** A report that waited longer than this is dropped: telemetry is shed rather than caught up on. */
  maxReportAgeMs: number;
  sharedLogs: SharedLogBudgetOptions;
}

/** Takes one telemetry report from the queue into Redis (`AgentDataKeys`). */
export class TelemetryIntake {
  private counts = zero();
  private readonly logs: ContainerLogWriter;
  private readonly stats: StatsRecorder;
  private readonly budget: SharedLogBudget;

  constructor(
    redis: Redis,
    keys: AgentDataKeys,
    private readonly options: TelemetryIntakeOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.logs = new ContainerLogWriter(redis, keys);
    this.stats = new StatsRecorder(redis, keys);
    this.budget = new SharedLogBudget(options.sharedLogs);
  }

  /** `enqueuedAt`: when the agent queued the report (epoch ms). */
  async take(report: TelemetryReport, enqueuedAt: number): Promise<void> {
    const now = this.clock();
    if (now.getTime() - enqueuedAt > this.options.maxReportAgeMs) {
      this.counts.reportsTooOld++;
      return;
    }
    if (report?.kind === 'logs') await this.takeLogs(report, now);
    else if (report?.kind === 'stats') await this.takeStats(report, now);
    else this.counts.reportsUnknown++;
  }

  /** The counts since the last call, which starts them over. */
  drainCounts(): TelemetryCounts {
    const counts = this.counts;
    this.counts = zero();
    return counts;
  }

  private async takeLogs(report: ContainerLogReport, now: Date): Promise<void> {
    const { lines, refused, shed, truncated } = containerLogLines(report, now);
    const shared = new Set(lines.filter((line) => this.budget.take(line.instance.id, now.getTime())));
    await this.logs.write(lines, (line) => shared.has(line));
    this.counts.logLines += lines.length;
    this.counts.logLinesServiceOnly += lines.length - shared.size;
    this.counts.logLinesRefused += refused;
    this.counts.logLinesShed += shed;
    this.counts.logLinesTruncated += truncated;
  }

  private async takeStats(report: StatsReport, now: Date): Promise<void> {
    const outcome = await this.stats.record(report, now);
    if (outcome.recorded) {
      this.counts.statsReports++;
      this.counts.statsRefused += outcome.refused;
    } else {
      this.counts.statsReportsShed++;
    }
  }
}
