import type { Command } from '../shared/decider';
import type { SealedValue } from '../shared/sealed';
import type { NodeAvailability, NodeInfo } from './node.events';

/** Where a node sits in its grid, as claimed on the grid stream (see `ClaimNodeNumber`). */
export interface NodePlacement {
  grid: string;
  name: string;
  node_number: number;
  initial_member: boolean;
  overlay_ip: string | null;
}

/** POST /v1/grids/:grid/nodes. Name and token uniqueness were checked by the caller (grid claim, token look-up). */
export type CreateNode = Command<
  'CreateNode',
  NodePlacement & { labels: string[]; token: SealedValue; token_hash: string }
>;

/**
 * An unknown agent presented the grid token: the node is created for it, bound to its agent node id (§7), with
 * a node token the agent uses from then on (DESIGN.md §6).
 */
export type RegisterAgentNode = Command<
  'RegisterAgentNode',
  NodePlacement & { labels: string[]; agent_node_id: string; token: SealedValue; token_hash: string }
>;

/** PUT /v1/nodes/:grid/:node: only what is given changes. */
export type UpdateNode = Command<'UpdateNode', { labels?: string[]; availability?: NodeAvailability }>;

/**
 * PUT …/token. `reset_connection` cuts the agent's connection (Kontena closes it with 4031 at the next
 * keepalive); without it the connected agent keeps working until it reconnects.
 */
export type ChangeNodeToken = Command<
  'ChangeNodeToken',
  { token: SealedValue; token_hash: string; reset_connection: boolean }
>;
export type ClearNodeToken = Command<'ClearNodeToken', { reset_connection: boolean }>;

/**
 * How the agent proved itself. The grid token only admits a node without a node token, and gives it one
 * (`new_token`, made by the caller): agents move to a per-node token after registering (DESIGN.md §6).
 */
export type AgentCredential =
  | { kind: 'grid_token'; new_token: { token: SealedValue; token_hash: string } }
  | { kind: 'node_token'; token_hash: string };

/**
 * An agent (re)connects as this node with the grid token or the node's token: the node token's first use
 * binds the agent node id, labels the agent sends are added, and the node becomes connected.
 */
export type ConnectAgent = Command<
  'ConnectAgent',
  { agent_node_id: string; credential: AgentCredential; labels: string[] }
>;

/** The agent's machine attributes (absent fields are left as they are); labels only apply to a node without any (§7). */
export type ReportNodeInfo = Command<'ReportNodeInfo', { info: Partial<NodeInfo>; labels?: string[] }>;

export type DisconnectNode = Command<'DisconnectNode', { code: number; reason: string }>;
/**
 * The reconciler's liveness check saw a heartbeat from the agent of a node marked disconnected (an agent that
 * was cut off and came back without registering again): the node is connected again (Kontena's keepalive).
 */
export type ReconnectNode = Command<'ReconnectNode', Record<string, never>>;
export type RemoveNode = Command<'RemoveNode', Record<string, never>>;

export type NodeCommand =
  | CreateNode
  | RegisterAgentNode
  | UpdateNode
  | ChangeNodeToken
  | ClearNodeToken
  | ConnectAgent
  | ReportNodeInfo
  | DisconnectNode
  | ReconnectNode
  | RemoveNode;
