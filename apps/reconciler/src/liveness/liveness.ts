import type Redis from 'ioredis';
import { Actor, gridDecider, isDomainError, nodeDecider, NodeCommand } from '@libs/domain';
import { AggregateCommandHandler, streamName } from '@libs/eventstore';
import type { Logger } from '@libs/logging';
import {
  AgentDataKeys,
  crossIndexes,
  GridDoc,
  gridIndexes,
  NodeDoc,
  ReadModelReader,
  ServiceDoc,
} from '@libs/read-model';

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

/** What the stale-node sweep weighs about a node. */
export interface NodeRetirement {
  connected: boolean;
  nodeNumber: number;
  /** The grid's `initial_size`: nodes numbered up to it are its initial members. */
  initialSize: number;
  labels: readonly string[];
  /** Epoch ms of the last heartbeat or connection; `null` when never heard from. */
  lastSeenMs: number | null;
  hostsStatefulInstance: boolean;
}

/**
 * Whether a node is removed as stale (pure; Kontena's `NodeCleanupJob#cleanup_stale_nodes`): unseen for longer
 * than `removeAfterMs`, disconnected, not one of the grid's initial members, labelled `ephemeral` (a machine
 * that is not coming back, such as an autoscaled one) and hosting no stateful instance, whose data would go with
 * it. Any other node stays until a user removes it; a node never heard from is not stale. `removeAfterMs` 0 never
 * removes one.
 */
export function isStaleEphemeralNode(node: NodeRetirement, now: number, removeAfterMs: number): boolean {
  return (
    removeAfterMs > 0 &&
    !node.connected &&
    node.nodeNumber > node.initialSize &&
    node.lastSeenMs !== null &&
    now - node.lastSeenMs > removeAfterMs &&
    node.labels.some((label) => label.split('=', 1)[0] === 'ephemeral') &&
    !node.hostsStatefulInstance
  );
}

export interface LivenessOptions {
  /** A connected node unseen for longer than this is disconnected. */
  offlineAfterMs: number;
  /** How often heartbeats are looked at. */
  intervalMs: number;
  /** A disconnected ephemeral node unseen for longer than this is removed (`isStaleEphemeralNode`); 0: never. */
  removeStaleAfterMs: number;
  /** How often stale nodes are looked for (Kontena: hourly); the first look is at start. */
  staleSweepMs: number;
}

/**
 * Node liveness (Kontena's keepalive and `NodeCleanupJob`): heartbeats are not events (DESIGN.md §5), the
 * transitions they imply are, and so is the removal of stale ephemeral nodes. Runs on the leading reconciler only.
 */
export class Liveness {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  /** When stale nodes were last looked for (Redis time); none yet. */
  private lastSweepMs?: number;

  constructor(
    private readonly redis: Redis,
    private readonly reader: () => ReadModelReader,
    private readonly streams: AggregateCommandHandler,
    private readonly agentData: AgentDataKeys,
    private readonly options: LivenessOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.check()
        .catch((error) => this.logger.warn({ err: error }, 'liveness check failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs);
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
    const sweep = this.lastSweepMs === undefined || now - this.lastSweepMs >= this.options.staleSweepMs;
    const grids = await reader.ids(gridIndexes.all);
    const known = new Set<string>();
    for (const grid of grids) {
      const names = await reader.ids(gridIndexes.nodes(grid));
      if (sweep) for (const name of names) known.add(`${grid}/${name}`);
      const docs = await reader.docs<NodeDoc>(
        'node',
        names.map((name) => `${grid}/${name}`),
      );
      // Nodes no agent ever registered for have nothing to be heard from.
      const agents = docs.filter((doc) => doc.node_id !== null);
      if (agents.length === 0) continue;
      const beats = await this.redis.hmget(this.agentData.heartbeats, ...agents.map((d) => d.id));
      const seen = new Map<string, number | null>();
      for (const [i, doc] of agents.entries()) {
        const beat = beats[i] === null ? null : Number(beats[i]);
        const connectedAt = doc.connected_at ? Date.parse(doc.connected_at) : null;
        const lastSeenMs =
          beat === null && connectedAt === null ? null : Math.max(beat ?? 0, connectedAt ?? 0);
        seen.set(doc.id, lastSeenMs);
        const verdict = livenessVerdict(
          {
            id: doc.id,
            connected: doc.connected,
            lastSeenMs,
            disconnectedMs: doc.disconnected_at ? Date.parse(doc.disconnected_at) : null,
          },
          now,
          this.options.offlineAfterMs,
        );
        if (verdict) await this.apply(doc, verdict, now);
      }
      if (sweep) await this.removeStaleNodes(reader, grid, agents, seen, now);
    }
    if (sweep) {
      await this.forgetHeartbeatsOfGoneNodes(known, now);
      this.lastSweepMs = now;
    }
  }

  /**
   * A removed node's last heartbeat would stay in the hash forever, one field per node that ever was: with
   * ephemeral machines coming and going that grows without end. A field is dropped once its node is gone and it
   * has not beaten for the offline limit, so a node created since the read above, whose agent beats, keeps it.
   */
  private async forgetHeartbeatsOfGoneNodes(known: ReadonlySet<string>, now: number): Promise<void> {
    const beats = await this.redis.hgetall(this.agentData.heartbeats);
    const gone = Object.entries(beats)
      .filter(([id, ms]) => !known.has(id) && !(now - Number(ms) <= this.options.offlineAfterMs))
      .map(([id]) => id);
    if (gone.length > 0) await this.redis.hdel(this.agentData.heartbeats, ...gone);
  }

  /**
   * Removes the grid's stale ephemeral nodes as a user's `DELETE /v1/nodes/…` would (the node, then its number).
   * The removal is pinned to the node's revision in the read model: an agent that connected since, or a
   * projector that lags, makes it a conflict, and the node is looked at again at the next sweep.
   */
  private async removeStaleNodes(
    reader: ReadModelReader,
    grid: string,
    nodes: readonly NodeDoc[],
    seen: ReadonlyMap<string, number | null>,
    now: number,
  ): Promise<void> {
    const gridDoc = await reader.doc<GridDoc>('grid', grid);
    if (!gridDoc) return;
    const facts = (node: NodeDoc, hostsStatefulInstance: boolean): NodeRetirement => ({
      connected: node.connected,
      nodeNumber: node.node_number,
      initialSize: gridDoc.initial_size,
      labels: node.labels,
      lastSeenMs: seen.get(node.id) ?? null,
      hostsStatefulInstance,
    });
    const removeAfterMs = this.options.removeStaleAfterMs;
    // What instances a node hosts is only read for nodes that are stale on every other count.
    const candidates = nodes.filter((node) => isStaleEphemeralNode(facts(node, false), now, removeAfterMs));
    for (const candidate of candidates) {
      const stream = streamName('node', candidate.id);
      const { doc: node, revision } = await reader.docAt<NodeDoc>('node', candidate.id, stream);
      if (!node || revision === undefined) continue;
      if (
        !isStaleEphemeralNode(
          facts(node, await this.hostsStatefulInstance(reader, node.id)),
          now,
          removeAfterMs,
        )
      )
        continue;
      const context = { now: new Date(now), actor: LIVENESS };
      const removed = await this.streams.handle(
        stream,
        nodeDecider,
        { type: 'RemoveNode', data: {} },
        context,
        {
          expectedRevision: revision,
        },
      );
      if (isDomainError(removed) || removed.events.length === 0) continue;
      const released = await this.streams.handle(
        streamName('grid', grid),
        gridDecider,
        { type: 'ReleaseNodeNumber', data: { node: node.name } },
        context,
      );
      if (isDomainError(released))
        this.logger.warn(
          { node: node.id, reason: released.message },
          'could not give back a removed node number',
        );
      this.logger.warn(
        { node: node.id, last_seen_at: new Date(seen.get(node.id)!).toISOString() },
        'removed a disconnected ephemeral node',
      );
    }
  }

  private async hostsStatefulInstance(reader: ReadModelReader, nodeId: string): Promise<boolean> {
    const instances = await reader.ids(crossIndexes.nodeInstances(nodeId));
    // Instance ids are `<service id>/<instance number>`.
    const services = [...new Set(instances.map((id) => id.slice(0, id.lastIndexOf('/'))))];
    return (await reader.docs<ServiceDoc>('service', services)).some((service) => service.stateful);
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
