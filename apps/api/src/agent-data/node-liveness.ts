import { Injectable } from '@nestjs/common';
import type { NodeDoc, NodeResourceUsage, NodeStatsSample } from '@libs/read-model';
import { AgentData } from './agent-data';

/** What a node's agent last told: its heartbeat (epoch ms) and its latest stats sample. */
export interface NodeTelemetry {
  heartbeatMs: number | undefined;
  stats: NodeStatsSample | undefined;
}

/**
 * `resource_usage` as the public API reference shows it (memory, load, one filesystem, cpu `usage_pct`,
 * `usage.container_seconds`), with the memory figures and core count Kontena's agent also sent.
 */
export function resourceUsage(sample: NodeStatsSample): NodeResourceUsage {
  return {
    memory: sample.memory,
    load: sample.load,
    filesystem: sample.filesystem,
    usage: sample.usage,
    cpu: { usage_pct: sample.cpu.usage_pct, num_cores: sample.cpu.num_cores },
  };
}

/** The later of the event-derived `last_seen_at` (set on connect) and the last heartbeat. */
function lastSeenAt(doc: NodeDoc, heartbeatMs: number | undefined): string | null {
  if (heartbeatMs === undefined) return doc.last_seen_at;
  if (doc.last_seen_at && Date.parse(doc.last_seen_at) >= heartbeatMs) return doc.last_seen_at;
  return new Date(heartbeatMs).toISOString();
}

/**
 * Fills a node's `last_seen_at` and `resource_usage` at read time from its agent's heartbeat and latest
 * stats: heartbeats and samples are not events (DESIGN.md §5), so the node document stays event-derived.
 */
@Injectable()
export class NodeLiveness {
  constructor(private readonly agentData: AgentData) {}

  async telemetry(nodeIds: readonly string[]): Promise<NodeTelemetry[]> {
    if (!nodeIds.length) return [];
    const { redis, keys } = this.agentData;
    const [heartbeats, samples] = await Promise.all([
      redis.hmget(keys.heartbeats, ...nodeIds),
      redis.mget(nodeIds.map((id) => keys.nodeStats(id))),
    ]);
    return nodeIds.map((_, i) => {
      const beat = Number(heartbeats[i]);
      return {
        heartbeatMs: heartbeats[i] !== null && Number.isFinite(beat) ? beat : undefined,
        stats: samples[i] ? (JSON.parse(samples[i]!) as NodeStatsSample) : undefined,
      };
    });
  }

  /** The nodes as their JSON shows them now. */
  async current(docs: readonly NodeDoc[]): Promise<NodeDoc[]> {
    const telemetry = await this.telemetry(docs.map((doc) => doc.id));
    return docs.map((doc, i) => ({
      ...doc,
      last_seen_at: lastSeenAt(doc, telemetry[i].heartbeatMs),
      resource_usage: telemetry[i].stats ? resourceUsage(telemetry[i].stats!) : doc.resource_usage,
    }));
  }

  async currentOne(doc: NodeDoc): Promise<NodeDoc> {
    return (await this.current([doc]))[0];
  }
}
