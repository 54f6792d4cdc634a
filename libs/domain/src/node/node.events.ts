import type { DomainEvent } from '../shared/decider';
import type { SealedValue } from '../shared/sealed';

/** Scheduling availability: `drain` moves work off the node (kontena-behaviour.md §2 Nodes, §4 filter 1). */
export const NODE_AVAILABILITIES = ['active', 'drain'] as const;
export type NodeAvailability = (typeof NODE_AVAILABILITIES)[number];

export interface NodeDriver {
  name: string;
  version?: string;
}

/**
 * What an agent reports about its machine (Kontena's `/nodes/update` RPC, `HostNode#attributes_from_docker`),
 * under the names of Kontena's node JSON.
 */
export interface NodeInfo {
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
}

export const NODE_INFO_FIELDS = [
  'os',
  'kernel_version',
  'driver',
  'engine_root_dir',
  'cpus',
  'mem_total',
  'mem_limit',
  'public_ip',
  'private_ip',
  'agent_version',
  'docker_version',
  'network_drivers',
  'volume_drivers',
] as const satisfies readonly (keyof NodeInfo)[];

/**
 * A node joined the grid: created through the API (`agent_node_id` null) or by an agent presenting the grid
 * token (bound to its agent node id); either way with a node token. The number was claimed on the grid
 * stream first; `initial_member` and `overlay_ip` are derived from it and the grid at that moment.
 */
export type NodeCreated = DomainEvent<
  'NodeCreated',
  {
    grid: string;
    name: string;
    node_number: number;
    initial_member: boolean;
    overlay_ip: string | null;
    labels: string[];
    /** Sealed with the grid's data key for GET …/token; the hash finds the node when an agent presents it. */
    token: SealedValue | null;
    token_hash: string | null;
    agent_node_id: string | null;
  }
>;
/** Labels replace the previous list wholesale (§2 Nodes update). */
export type NodeLabelsChanged = DomainEvent<'NodeLabelsChanged', { labels: string[] }>;
export type NodeAvailabilityChanged = DomainEvent<
  'NodeAvailabilityChanged',
  { availability: NodeAvailability }
>;
export type NodeTokenChanged = DomainEvent<'NodeTokenChanged', { token: SealedValue; token_hash: string }>;
/** Without a node token the node's agent can (only) come back with the grid token (API reference, "Clear node token"). */
export type NodeTokenCleared = DomainEvent<'NodeTokenCleared', Record<string, never>>;
/** An agent presented this node's token for the first time; the node is its from now on (§7). */
export type NodeAgentBound = DomainEvent<'NodeAgentBound', { agent_node_id: string }>;
export type NodeConnected = DomainEvent<'NodeConnected', { connected_at: string }>;
/** `code`/`reason` in Kontena's close-code terms, e.g. 4031 when a token reset cut the connection. */
export type NodeDisconnected = DomainEvent<
  'NodeDisconnected',
  { disconnected_at: string; code: number; reason: string }
>;
/** Only the attributes that changed; the first report after connecting marks the node up to date. */
export type NodeInfoReported = DomainEvent<'NodeInfoReported', Partial<NodeInfo>>;
export type NodeRemoved = DomainEvent<'NodeRemoved', { grid: string; name: string }>;

export type NodeEvent =
  | NodeCreated
  | NodeLabelsChanged
  | NodeAvailabilityChanged
  | NodeTokenChanged
  | NodeTokenCleared
  | NodeAgentBound
  | NodeConnected
  | NodeDisconnected
  | NodeInfoReported
  | NodeRemoved;
