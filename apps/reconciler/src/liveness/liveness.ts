import type Redis from 'ioredis';
import { Actor, isDomainError, nodeDecider, NodeCommand } from '@libs/domain';
import { AggregateCommandHandler, streamName } from '@libs/eventstore';
import type { Logger } from '@libs/logging';
import { AgentDataKeys, gridIndexes, NodeDoc, ReadModelReader } from '@libs/read-model';

const LIVENESS: Actor = { kind: 'system', component: 'liveness' };

/** Kontena closed a connection whose agent missed its keepalive with 4030 (kontena-behaviour.md §7). */
export const HEARTBEAT_TIMEOUT = { code: 4030, reason: 'heartbeat timeout' } as const;

/** Epoch ms on the Redis server: agents write heartbeats with the same clock, so machines' clocks never matter. */
export async function redisNow(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

export interface NodeLiveness {
  id: string;
  connected: boolean;
  /** Epoch ms of the last heartbeat, or of the connection when the agent has not beaten yet. */
  lastSeenMs: number | null;
  /** Epoch ms of the last disconnection. */
  disconnectedMs: number | null;
}

/**
 * What liveness decides for one node (pure): a connected node unseen for longer than `offlineAfterMs` is
 * disconnected; a disconnected node whose agent beat since it was disconnected, recently, is connected again.
 */
export function livenessVerdict(
  node: NodeLiveness,
  now: number,
  offlineAfterMs: number,
): 'disconnect' | 'reconnect' | null {
  const seen = node.lastSeenMs;
  if (node.connected) return seen === null || now - seen > offlineAfterMs ? 'disconnect' : null;
  if (seen === null || now - seen > offlineAfterMs) return null;
  return node.disconnectedMs === null || seen > node.disconnectedMs ? 'reconnect' : null;
}

/**
 * Node liveness (Kontena's keepalive and `NodeCleanupJob`): heartbeats are not events (DESIGN.md §5), the
 * transitions they imply are. Runs on the leading reconciler only.
 */
export class Liveness {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly redis: Redis,
    private readonly reader: () => ReadModelReader,
    private readonly streams: AggregateCommandHandler,
    private readonly agentData: AgentDataKeys,
    private readonly offlineAfterMs: number,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.check()
        .catch((error) => this.logger.warn({ err: error }, 'liveness check failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async check(): Promise<void> {
    const reader = this.reader();
    const now = await redisNow(this.redis);
    const grids = await reader.ids(gridIndexes.all);
    for (const grid of grids) {
      const names = await reader.ids(gridIndexes.nodes(grid));
      const docs = await reader.docs<NodeDoc>(
        'node',
        names.map((name) => `${grid}/${name}`),
      );
      // Nodes no agent ever registered for have nothing to be heard from.
      const agents = docs.filter((doc) => doc.node_id !== null);
      if (agents.length === 0) continue;
      const beats = await this.redis.hmget(this.agentData.heartbeats, ...agents.map((d) => d.id));
      for (const [i, doc] of agents.entries()) {
        const beat = beats[i] === null ? null : Number(beats[i]);
        const connectedAt = doc.connected_at ? Date.parse(doc.connected_at) : null;
        const verdict = livenessVerdict(
          {
            id: doc.id,
            connected: doc.connected,
            lastSeenMs: beat === null && connectedAt === null ? null : Math.max(beat ?? 0, connectedAt ?? 0),
            disconnectedMs: doc.disconnected_at ? Date.parse(doc.disconnected_at) : null,
          },
          now,
          this.offlineAfterMs,
        );
        if (verdict) await this.apply(doc, verdict, now);
      }
    }
  }

  private async apply(node: NodeDoc, verdict: 'disconnect' | 'reconnect', now: number): Promise<void> {
    const command: NodeCommand =
      verdict === 'disconnect'
        ? { type: 'DisconnectNode', data: { ...HEARTBEAT_TIMEOUT } }
        : { type: 'ReconnectNode', data: {} };
    const outcome = await this.streams.handle(streamName('node', node.id), nodeDecider, command, {
      now: new Date(now),
      actor: LIVENESS,
    });
    if (isDomainError(outcome)) return;
    if (outcome.events.length > 0)
      this.logger.info(
        { node: node.id, verdict },
        verdict === 'disconnect' ? 'node went offline' : 'node is back',
      );
  }
}
