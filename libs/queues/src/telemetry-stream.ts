import type Redis from 'ioredis';
import type { TelemetryReport } from './agent-reports';

/**
 * Telemetry (container log lines, stats samples) travels from agents to the master on one capped Redis
 * stream read by a consumer group, not as BullMQ jobs. Telemetry is a firehose that may be shed: it needs no
 * retries, delays or per-report state, and a job costs three BullMQ scripts in Redis (add, take, finish) and
 * as many round trips on both sides, where an entry costs one `XADD` and a share of a batched read and
 * acknowledgement. Instance states and events, which become events and must never be lost, stay jobs on
 * `agent-reports` (DESIGN.md §6).
 */
export const TELEMETRY_STREAM = {
  /** The stream's key under the deployment's Redis prefix. */
  key: (redisPrefix: string) => `${redisPrefix}telemetry`,
  /** The master's consumer group: every reconciler process reads its share. */
  group: 'master',
  /**
   * Reports kept waiting at most: when the master falls this far behind (an outage), the oldest are trimmed
   * unread (`MAXLEN ~`), so the newest telemetry survives and the backlog stays bounded. A report holds at
   * most 500 lines.
   */
  maxWaiting: 10_000,
  /** Entry fields: the report (JSON) and when the agent sent it (epoch ms on the agent's clock). */
  fields: { report: 'r', sentAt: 't' },
} as const;

/** Sends reports as one `XADD` each, in one round trip. */
export async function sendTelemetry(
  redis: Redis,
  redisPrefix: string,
  reports: readonly TelemetryReport[],
  sentAt = Date.now(),
): Promise<void> {
  if (reports.length === 0) return;
  const key = TELEMETRY_STREAM.key(redisPrefix);
  const { report: r, sentAt: t } = TELEMETRY_STREAM.fields;
  const pipeline = redis.pipeline();
  for (const report of reports)
    pipeline.xadd(key, 'MAXLEN', '~', TELEMETRY_STREAM.maxWaiting, '*', r, JSON.stringify(report), t, sentAt);
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
}
