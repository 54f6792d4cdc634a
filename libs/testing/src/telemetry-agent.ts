import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { bullPrefix, QUEUES, TELEMETRY_JOB, TelemetryReport } from '@libs/queues';
import { AgentDataKeys } from '@libs/read-model';
import { testRedis } from './redis';

/**
 * Speaks for node agents in tests: publishes telemetry reports on the queue exactly as an agent does, and
 * writes heartbeats where agents write them (`AgentDataKeys.heartbeats`).
 */
export class TelemetryAgent {
  readonly keys: AgentDataKeys;
  readonly redis: Redis;
  private readonly queue: Queue<TelemetryReport>;

  constructor(readonly redisPrefix: string) {
    this.keys = new AgentDataKeys(redisPrefix);
    this.redis = testRedis();
    this.queue = new Queue(QUEUES.telemetry, {
      connection: { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      prefix: bullPrefix(redisPrefix),
    });
  }

  async publish(...reports: TelemetryReport[]): Promise<void> {
    for (const report of reports) await this.queue.add(report.kind, report, TELEMETRY_JOB);
  }

  /** A heartbeat of node `<grid>/<node>` at `at`. */
  async heartbeat(nodeId: string, at = new Date()): Promise<void> {
    await this.redis.hset(this.keys.heartbeats, nodeId, String(at.getTime()));
  }

  /** Resolves once every published report has been taken off the queue. */
  async drained(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.queue.getJobCounts('wait', 'active', 'delayed');
      if (counts.wait + counts.active + counts.delayed === 0) return;
      if (Date.now() > deadline) throw new Error(`telemetry reports still queued: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}
