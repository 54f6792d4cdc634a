import { assertNever, Decider, Decision, DecisionContext } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import { AgentRefused } from './agent-refusal';
import type { NodeCommand } from './node.commands';
import { NODE_INFO_FIELDS, NodeAvailability, NodeEvent, NodeInfo } from './node.events';

export interface LiveNode {
  grid: string;
  name: string;
  node_number: number;
  labels: readonly string[];
  availability: NodeAvailability;
  token_hash: string | null;
  agent_node_id: string | null;
  connected: boolean;
  /** Info was reported since the agent last connected (Kontena's `updated`: `connecting` until then). */
  updated: boolean;
  info: NodeInfo;
}

export type NodeState = { status: 'absent' } | ({ status: 'active' } & LiveNode) | { status: 'removed' };

export const UNREPORTED_NODE_INFO: NodeInfo = {
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
};

/** Kontena answers a reset connection with close code 4031 at the agent's next keepalive (§7). */
const TOKEN_RESET_CLOSE = { code: 4031, reason: 'node token reset' } as const;

const initialState: NodeState = { status: 'absent' };

function evolve(state: NodeState, event: NodeEvent): NodeState {
  if (event.type === 'NodeCreated') {
    const { grid, name, node_number, labels, token_hash, agent_node_id } = event.data;
    return {
      status: 'active',
      grid,
      name,
      node_number,
      labels,
      availability: 'active',
      token_hash,
      agent_node_id,
      connected: false,
      updated: false,
      info: UNREPORTED_NODE_INFO,
    };
  }
  if (state.status !== 'active') return state;
  switch (event.type) {
    case 'NodeLabelsChanged':
      return { ...state, labels: event.data.labels };
    case 'NodeAvailabilityChanged':
      return { ...state, availability: event.data.availability };
    case 'NodeTokenChanged':
      return { ...state, token_hash: event.data.token_hash };
    case 'NodeTokenCleared':
      return { ...state, token_hash: null };
    case 'NodeAgentBound':
      return { ...state, agent_node_id: event.data.agent_node_id };
    case 'NodeConnected':
      return { ...state, connected: true, updated: false };
    case 'NodeDisconnected':
      return { ...state, connected: false };
    case 'NodeInfoReported':
      return { ...state, info: { ...state.info, ...event.data }, updated: true };
    case 'NodeRemoved':
      return { status: 'removed' };
    default:
      return assertNever(event, 'node event');
  }
}

const nameTaken = (name: string) => ValidationFailed.of('name', `Node with name ${name} already exists`);

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The reported attributes that differ from what the node has, so a repeated report appends nothing. */
function changedInfo(current: NodeInfo, reported: Partial<NodeInfo>): Partial<NodeInfo> {
  const changes: Partial<NodeInfo> = {};
  for (const field of NODE_INFO_FIELDS) {
    const value = reported[field];
    if (value !== undefined && !sameJson(value, current[field]))
      (changes as Record<string, unknown>)[field] = value;
  }
  return changes;
}

function cutConnection(node: LiveNode, reset: boolean, { now }: DecisionContext): NodeEvent[] {
  if (!reset || !node.connected) return [];
  return [{ type: 'NodeDisconnected', data: { disconnected_at: now.toISOString(), ...TOKEN_RESET_CLOSE } }];
}

function decideConnect(
  node: LiveNode,
  command: Extract<NodeCommand, { type: 'ConnectAgent' }>,
  { now }: DecisionContext,
): Decision<NodeEvent> {
  const { agent_node_id, credential, labels } = command.data;
  if (credential.kind === 'grid_token' && node.token_hash !== null) return AgentRefused.nodeHasNodeToken();
  if (credential.kind === 'node_token' && credential.token_hash !== node.token_hash)
    return AgentRefused.invalidNodeToken();
  if (node.agent_node_id !== null && node.agent_node_id !== agent_node_id) {
    return credential.kind === 'node_token'
      ? AgentRefused.nodeTokenBoundElsewhere()
      : AgentRefused.agentNodeIdTaken();
  }
  const events: NodeEvent[] = [];
  if (node.agent_node_id === null) {
    events.push({ type: 'NodeAgentBound', data: { agent_node_id } });
    // Kontena adds the agent's labels when it binds the node (`$addToSet`, §7), keeping the ones set through the API.
    const merged = [
      ...node.labels,
      ...labels.filter((label, i) => !node.labels.includes(label) && labels.indexOf(label) === i),
    ];
    if (merged.length !== node.labels.length)
      events.push({ type: 'NodeLabelsChanged', data: { labels: merged } });
  }
  // The grid token got this far only for a node without a node token: it leaves with one.
  if (credential.kind === 'grid_token') events.push({ type: 'NodeTokenChanged', data: credential.new_token });
  if (!node.connected) events.push({ type: 'NodeConnected', data: { connected_at: now.toISOString() } });
  return events;
}

function decide(command: NodeCommand, state: NodeState, context: DecisionContext): Decision<NodeEvent> {
  switch (command.type) {
    case 'CreateNode': {
      // A removed node's name can be used again: Kontena deletes the document.
      if (state.status === 'active') return nameTaken(command.data.name);
      const { grid, name, node_number, initial_member, overlay_ip, labels, token, token_hash } = command.data;
      return [
        {
          type: 'NodeCreated',
          data: {
            grid,
            name,
            node_number,
            initial_member,
            overlay_ip,
            labels,
            token,
            token_hash,
            agent_node_id: null,
          },
        },
      ];
    }
    case 'RegisterAgentNode': {
      const {
        grid,
        name,
        node_number,
        initial_member,
        overlay_ip,
        labels,
        agent_node_id,
        token,
        token_hash,
      } = command.data;
      // A second registration of the same agent (a retry, or two racing requests) finds its node already there;
      // connecting then decides, and the node token the first one issued stands.
      if (state.status === 'active') return state.agent_node_id === agent_node_id ? [] : nameTaken(name);
      return [
        {
          type: 'NodeCreated',
          data: {
            grid,
            name,
            node_number,
            initial_member,
            overlay_ip,
            labels,
            token,
            token_hash,
            agent_node_id,
          },
        },
      ];
    }
    default:
      break;
  }
  if (state.status !== 'active') return new NotFound();

  switch (command.type) {
    case 'UpdateNode': {
      const { labels, availability } = command.data;
      const events: NodeEvent[] = [];
      if (labels !== undefined && !sameJson(labels, state.labels))
        events.push({ type: 'NodeLabelsChanged', data: { labels } });
      if (availability !== undefined && availability !== state.availability)
        events.push({ type: 'NodeAvailabilityChanged', data: { availability } });
      return events;
    }
    case 'ChangeNodeToken': {
      const { token, token_hash, reset_connection } = command.data;
      const changed: NodeEvent[] =
        token_hash === state.token_hash ? [] : [{ type: 'NodeTokenChanged', data: { token, token_hash } }];
      return [...changed, ...cutConnection(state, reset_connection, context)];
    }
    case 'ClearNodeToken': {
      const cleared: NodeEvent[] = state.token_hash === null ? [] : [{ type: 'NodeTokenCleared', data: {} }];
      return [...cleared, ...cutConnection(state, command.data.reset_connection, context)];
    }
    case 'ConnectAgent':
      return decideConnect(state, command, context);
    case 'ReportNodeInfo': {
      const changes = changedInfo(state.info, command.data.info);
      const events: NodeEvent[] = [];
      if (Object.keys(changes).length > 0 || !state.updated)
        events.push({ type: 'NodeInfoReported', data: changes });
      const labels = command.data.labels;
      // The engine's labels are only a starting point: labels set through the API win (HostNode#attributes_from_docker).
      if (labels?.length && state.labels.length === 0)
        events.push({ type: 'NodeLabelsChanged', data: { labels } });
      return events;
    }
    case 'DisconnectNode':
      if (!state.connected) return [];
      return [
        { type: 'NodeDisconnected', data: { disconnected_at: context.now.toISOString(), ...command.data } },
      ];
    case 'ReconnectNode':
      // Only an agent that registered can be heard from; a node still waiting for one stays as it is.
      if (state.connected || state.agent_node_id === null) return [];
      return [{ type: 'NodeConnected', data: { connected_at: context.now.toISOString() } }];
    case 'RemoveNode':
      return [{ type: 'NodeRemoved', data: { grid: state.grid, name: state.name } }];
    default:
      return assertNever(command, 'node command');
  }
}

export const nodeDecider: Decider<NodeState, NodeCommand, NodeEvent> = { initialState, evolve, decide };
