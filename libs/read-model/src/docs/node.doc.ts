import type {
  GridLogs,
  GridStats,
  NodeAvailability,
  NodeCreated,
  NodeDriver,
  NodeEvent,
  SealedValue,
} from '@libs/domain';
import { crossLookups } from './catalog';
import type { GridDoc } from './grid.doc';

/** `created` (no agent yet) / `offline` / `connecting` (no info since connecting) / `drain` / `online` (kontena-behaviour.md §7). */
export type NodeStatus = 'created' | 'offline' | 'connecting' | 'drain' | 'online';

/** The grid as a node sees it (`views/v1/host_nodes/_host_node.json.jbuilder`), kept current by the nodes projection. */
export interface NodeGridDoc {
  id: string;
  name: string;
  initial_size: number;
  stats: GridStats;
  trusted_subnets: string[];
  subnet: string;
  supernet: string;
  logs: GridLogs | null;
}

/** The agent's latest stats; filled by the agents' issue, `null` until then. */
export interface NodeResourceUsage {
  memory: unknown;
  load: unknown;
  filesystem: unknown;
  usage: unknown;
  cpu: unknown;
}

/**
 * `doc('node', '<grid>/<name>')`; listed in `gridIndexes.nodes(grid)` (by name); found by
 * `lookup(crossLookups.nodeToken, sha256(token))` and `lookup(crossLookups.agentNodeId, agent node id)`.
 * Field names are Kontena's node JSON; `node_id` is the agent's node id (Docker engine id).
 */
export interface NodeDoc {
  id: string;
  name: string;
  node_id: string | null;
  node_number: number;
  initial_member: boolean;
  overlay_ip: string | null;
  status: NodeStatus;
  connected: boolean;
  /** Info reported since the agent last connected (Kontena's `updated`). */
  updated: boolean;
  availability: NodeAvailability;
  created_at: string;
  updated_at: string;
  connected_at: string | null;
  disconnected_at: string | null;
  /** Set on connect; heartbeats (not events, DESIGN.md §5) keep it fresh in the agents' issue. */
  last_seen_at: string | null;
  /** Why the last connection ended, in Kontena's close-code terms. */
  connection_closed: { code: number; reason: string } | null;
  labels: string[];
  os: string | null;
  kernel_version: string | null;
  driver: string | null;
  engine_root_dir: string | null;
  cpus: number | null;
  mem_total: number | null;
  mem_limit: number | null;
  public_ip: string | null;
  private_ip: string | null;
  agent_version: string | null;
  docker_version: string | null;
  network_drivers: NodeDriver[];
  volume_drivers: NodeDriver[];
  /** Other nodes' private ip in the same `region=` label, public ip otherwise (§7). */
  peer_ips: string[];
  grid: NodeGridDoc;
  resource_usage: NodeResourceUsage | null;
  has_token: boolean;
  /** Sealed with the grid's data key (purpose `node-token:<grid>/<name>`); only GET …/token opens it. */
  token: SealedValue | null;
  token_hash: string | null;
}

export const nodeLookups = { token: crossLookups.nodeToken, agentNodeId: crossLookups.agentNodeId } as const;

export function nodeStatus(
  node: Pick<NodeDoc, 'node_id' | 'connected' | 'updated' | 'availability'>,
): NodeStatus {
  if (node.node_id === null) return 'created';
  if (!node.connected) return 'offline';
  if (!node.updated) return 'connecting';
  return node.availability === 'drain' ? 'drain' : 'online';
}

/** Kontena's `HostNode#region`: the `region=` label, `default` without one. */
export function nodeRegion(labels: readonly string[]): string {
  const label = labels.find((l) => l.split('=', 1)[0] === 'region');
  const value = label?.slice('region='.length);
  return value || 'default';
}

function nodeGridOf(grid: GridDoc | undefined, name: string): NodeGridDoc {
  return {
    id: name,
    name,
    initial_size: grid?.initial_size ?? 1,
    stats: grid?.stats ?? { statsd: null },
    trusted_subnets: grid?.trusted_subnets ?? [],
    subnet: grid?.subnet ?? '',
    supernet: grid?.supernet ?? '',
    logs: grid?.logs ?? null,
  };
}

/**
 * The document of a node just created. Shared by the projector and the api (which uses it when the read
 * model lags behind a command it has to answer), so both build exactly the same document.
 */
export function nodeDocCreated(event: NodeCreated, grid: GridDoc | undefined, at: string): NodeDoc {
  const d = event.data;
  const doc: NodeDoc = {
    id: `${d.grid}/${d.name}`,
    name: d.name,
    node_id: d.agent_node_id,
    node_number: d.node_number,
    initial_member: d.initial_member,
    overlay_ip: d.overlay_ip,
    status: 'created',
    connected: false,
    updated: false,
    availability: 'active',
    created_at: at,
    updated_at: at,
    connected_at: null,
    disconnected_at: null,
    last_seen_at: null,
    connection_closed: null,
    labels: d.labels,
    os: null,
    kernel_version: null,
    driver: null,
    engine_root_dir: null,
    cpus: null,
    mem_total: null,
    mem_limit: null,
    public_ip: null,
    private_ip: null,
    agent_version: null,
    docker_version: null,
    network_drivers: [],
    volume_drivers: [],
    peer_ips: [],
    grid: nodeGridOf(grid, d.grid),
    resource_usage: null,
    has_token: d.token !== null,
    token: d.token,
    token_hash: d.token_hash,
  };
  return { ...doc, status: nodeStatus(doc) };
}

/**
 * The node after one of its own events, creation and removal aside. Peer ips depend on the other nodes and
 * are the projector's to refresh.
 */
export function nodeDocAfter(
  doc: NodeDoc,
  event: Exclude<NodeEvent, NodeCreated | { type: 'NodeRemoved' }>,
  at: string,
): NodeDoc {
  const next: NodeDoc = (() => {
    switch (event.type) {
      case 'NodeLabelsChanged':
        return { ...doc, labels: event.data.labels };
      case 'NodeAvailabilityChanged':
        return { ...doc, availability: event.data.availability };
      case 'NodeTokenChanged':
        return { ...doc, token: event.data.token, token_hash: event.data.token_hash, has_token: true };
      case 'NodeTokenCleared':
        return { ...doc, token: null, token_hash: null, has_token: false };
      case 'NodeAgentBound':
        return { ...doc, node_id: event.data.agent_node_id };
      case 'NodeConnected':
        // Kontena's NodePlugger sets last_seen_at on connect; heartbeats take over from there.
        return {
          ...doc,
          connected: true,
          updated: false,
          connected_at: event.data.connected_at,
          last_seen_at: event.data.connected_at,
        };
      case 'NodeDisconnected':
        return {
          ...doc,
          connected: false,
          disconnected_at: event.data.disconnected_at,
          connection_closed: { code: event.data.code, reason: event.data.reason },
        };
      case 'NodeInfoReported':
        return { ...doc, ...event.data, updated: true };
    }
  })();
  return { ...next, status: nodeStatus(next), updated_at: at };
}
