import { Queue, Worker } from 'bullmq';
import type { Logger } from '@libs/logging';
import { bullPrefix, QUEUES, TelemetryReport } from '@libs/queues';
import { AgentDataKeys } from '@libs/read-model';
import { connectRedis } from '@libs/redis';
import type { SharedLogBudgetOptions } from './shared-log-budget';
import { TelemetryCounts, TelemetryIntake } from './telemetry-intake';

export interface TelemetryWorkerOptions {
  redisUrl: string;
  /** The deployment's `REDIS_PREFIX`: queue and telemetry keys live under it. */
  prefix: string;
  logger: Logger;
  /** Reports processed at once; the work is Redis round trips, not CPU. */
  concurrency?: number;
  /** Reports older than this are dropped, in the queue and when taken (default 5 minutes). */
  maxReportAgeMs?: number;
  /** Per-instance budget for the grid and stack log streams (default 20 lines/s, bursts of 1,000). */
  sharedLogs?: SharedLogBudgetOptions;
  /** How often waiting reports older than the maximum age are removed from the queue. */
  shedIntervalMs?: number;
  /** How often the counts are logged (only when something happened). */
  summaryIntervalMs?: number;
}

export interface TelemetryWorker {
  close(): Promise<void>;
}

const hasAny = (counts: TelemetryCounts) => Object.values(counts).some((n) => n > 0);

/**
 * Consumes `agent-telemetry` (container log lines and stats samples, DESIGN.md §6) into `AgentDataKeys`.
 * Telemetry may be lost but must never hold anything up: agents' reports are one-attempt jobs kept nowhere
 * once done (`TELEMETRY_JOB`), reports that waited too long are dropped instead of processed, and a
 * periodic clean removes them from the queue, so a backlog after an outage stays bounded.
 */
export async function startTelemetryWorker(options: TelemetryWorkerOptions): Promise<TelemetryWorker> {
  const logger = options.logger.child({ component: 'telemetry' });
  const maxReportAgeMs = options.maxReportAgeMs ?? 5 * 60_000;
  const redis = connectRedis(options.redisUrl, 'worker');
  const intake = new TelemetryIntake(redis, new AgentDataKeys(options.prefix), {
    maxReportAgeMs,
    sharedLogs: options.sharedLogs ?? { perSecond: 20, burst: 1_000 },
  });
  const queueOptions = { connection: redis, prefix: bullPrefix(options.prefix) };

  const worker = new Worker<TelemetryReport>(
    QUEUES.telemetry,
    (job) => intake.take(job.data, job.timestamp),
    {
      ...queueOptions,
      concurrency: options.concurrency ?? 4,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 100 },
    },
  );
  // Never the report: it holds log lines, which may hold anything.
  worker.on('failed', (job, error) =>
    logger.warn({ jobId: job?.id, err: error.message }, 'telemetry report failed'),
  );
  worker.on('error', (error) => logger.error({ err: error.message }, 'telemetry worker error'));

  const queue = new Queue(QUEUES.telemetry, queueOptions);
  const shed = setInterval(() => {
    queue
      .clean(maxReportAgeMs, 1_000, 'wait')
      .then(
        (removed) =>
          removed.length &&
          logger.warn({ removed: removed.length }, 'shed telemetry reports that waited too long'),
      )
      .catch((error: Error) => logger.warn({ err: error.message }, 'could not shed old telemetry reports'));
  }, options.shedIntervalMs ?? 10_000);
  const summary = setInterval(() => {
    const counts = intake.drainCounts();
    if (hasAny(counts)) logger.info(counts, 'telemetry taken');
  }, options.summaryIntervalMs ?? 60_000);
  shed.unref();
  summary.unref();

  await worker.waitUntilReady();
  logger.info({ queue: QUEUES.telemetry, concurrency: options.concurrency ?? 4 }, 'telemetry worker started');

  return {
    async close() {
      clearInterval(shed);
      clearInterval(summary);
      await worker.close();
      await queue.close();
      redis.disconnect();
    },
  };
}
