import type Redis from 'ioredis';
import { sendTelemetry, TELEMETRY_STREAM, TelemetryReport } from '@libs/queues';
import { AgentDataKeys } from '@libs/read-model';
import { testRedis } from './redis';

/**
 * Speaks for node agents in tests: publishes telemetry reports on the stream exactly as an agent does, and
 * writes heartbeats where agents write them (`AgentDataKeys.heartbeats`).
 */
export class TelemetryAgent {
  readonly keys: AgentDataKeys;
  readonly redis: Redis;

  constructor(readonly redisPrefix: string) {
    this.keys = new AgentDataKeys(redisPrefix);
    this.redis = testRedis();
  }

  async publish(...reports: TelemetryReport[]): Promise<void> {
    await sendTelemetry(this.redis, this.redisPrefix, reports);
  }

  /** A heartbeat of node `<grid>/<node>` at `at`. */
  async heartbeat(nodeId: string, at = new Date()): Promise<void> {
    await this.redis.hset(this.keys.heartbeats, nodeId, String(at.getTime()));
  }

  /** Resolves once every published report has been taken (the master deletes each report it took). */
  async drained(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const waiting = await this.redis.xlen(TELEMETRY_STREAM.key(this.redisPrefix));
      if (waiting === 0) return;
      if (Date.now() > deadline) throw new Error(`${waiting} telemetry reports still waiting`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
