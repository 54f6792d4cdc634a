import { Injectable } from '@nestjs/common';
import { MetricsPoint, metricsPoint, MetricsScope, parseMetricsMinute } from '@libs/read-model';
import { AgentData } from '../agent-data';
import type { MetricsQuery } from './metrics-query';

const MINUTE_MS = 60_000;

/** The stored per-minute metrics of a node, service or grid (`AgentDataKeys.metrics`). */
@Injectable()
export class MetricsMinutes {
  constructor(private readonly agentData: AgentData) {}

  /**
   * One point per minute with samples that overlaps `from`–`to`, oldest first (Kontena grouped the samples
   * taken in the window by minute and sorted them by time). Minutes without samples have no point.
   */
  async points(scope: MetricsScope, id: string, query: MetricsQuery): Promise<MetricsPoint[]> {
    const { redis, keys } = this.agentData;
    const firstMinute = Math.floor(query.fromMs / MINUTE_MS) * MINUTE_MS;
    const minutes = (await redis.zrangebyscore(keys.metrics(scope, id), firstMinute, query.toMs)).map(Number);
    if (!minutes.length) return [];
    const read = redis.pipeline();
    for (const minute of minutes) read.hgetall(keys.metricsMinute(scope, id, minute));
    const replies = (await read.exec()) ?? [];
    const points: MetricsPoint[] = [];
    minutes.forEach((minute, i) => {
      const [error, hash] = replies[i] ?? [null, {}];
      if (error) throw error;
      const stored = parseMetricsMinute(minute, hash as Record<string, string>);
      if (stored) points.push(metricsPoint(scope, stored));
    });
    return points;
  }
}
