import { Forbidden } from '../shared/domain-error';

/**
 * Kontena's websocket close codes for a refused agent (kontena-behaviour.md §7). The registration endpoint
 * turns each into an HTTP status (docs/architecture.md, "Agent registration"); the codes stay in the
 * answer so agent authors can match Kontena's documentation.
 */
export const AGENT_CLOSE_CODES = {
  missingNodeIdentity: 4000,
  invalidGridToken: 4001,
  invalidNodeToken: 4002,
  nodeTokenBoundElsewhere: 4003,
  missingToken: 4004,
  nodeHasNodeToken: 4005,
  agentNodeIdTaken: 4006,
  incompatibleVersion: 4010,
} as const;
export type AgentCloseCode = (typeof AGENT_CLOSE_CODES)[keyof typeof AGENT_CLOSE_CODES];

/** An agent may not join or reconnect as this node. A 403 unless the registration endpoint maps it. */
export class AgentRefused extends Forbidden {
  constructor(
    readonly code: AgentCloseCode,
    message: string,
  ) {
    super(message);
  }

  /** Grid token presented for a node that was created with a node token (4005). */
  static nodeHasNodeToken(): AgentRefused {
    return new AgentRefused(
      AGENT_CLOSE_CODES.nodeHasNodeToken,
      'Invalid grid token, node was created using a node token',
    );
  }

  /** The node token is not (or no longer) this node's (4002). */
  static invalidNodeToken(): AgentRefused {
    return new AgentRefused(AGENT_CLOSE_CODES.invalidNodeToken, 'Invalid node token');
  }

  /** The node token's node is already bound to another agent node id (4003). */
  static nodeTokenBoundElsewhere(): AgentRefused {
    return new AgentRefused(
      AGENT_CLOSE_CODES.nodeTokenBoundElsewhere,
      'Invalid node token, already used by a different node',
    );
  }

  /** The agent node id already belongs to another node (4006). */
  static agentNodeIdTaken(): AgentRefused {
    return new AgentRefused(
      AGENT_CLOSE_CODES.agentNodeIdTaken,
      'Invalid node ID, already used by a different node',
    );
  }
}
