/**
 * Which nodes hold which numbers in a grid, decided on the grid stream.
 *
 * Why here and not on the node streams: node numbers, node names (for the `<name>-<node_number>` rename)
 * and agent node ids must be unique across a grid's nodes *at the moment they are allocated*, under
 * concurrent registrations. Only a single stream gives that atomically (an append with the expected
 * revision), and the grid stream already holds what allocation depends on (initial size, subnet) and
 * whether the grid still exists, so a claim can never land in a removed grid and "Grid has nodes" is
 * exact. The price is that registrations bump the grid's revision (its ETag), which is honest: the grid
 * JSON's `node_count` changes with them. A per-grid registry stream would need a new stream category and
 * a second existence check for no gain.
 *
 * A claim comes first, then the node stream is created with the claimed number; removal goes the other
 * way round. A creation interrupted between the two leaves a claim without a node: the next creation of
 * that name (or registration of that agent) reuses it.
 */
import { AgentRefused } from '../node/agent-refusal';
import { lowestFreeNodeNumber } from '../node/node-addressing';
import type { DomainEvent } from '../shared/decider';
import { DomainError, ValidationFailed } from '../shared/domain-error';

export interface NodeClaim {
  number: number;
  node: string;
  /** The agent (e.g. Docker engine id) that owns the node; `null` until an agent uses the node's token. */
  agent_node_id: string | null;
}

export type NodeNumberClaimed = DomainEvent<'NodeNumberClaimed', NodeClaim>;
export type NodeAgentClaimed = DomainEvent<'NodeAgentClaimed', NodeClaim & { agent_node_id: string }>;
export type NodeNumberReleased = DomainEvent<'NodeNumberReleased', { number: number; node: string }>;
export type NodeClaimEvent = NodeNumberClaimed | NodeAgentClaimed | NodeNumberReleased;

export interface ClaimNodeNumberInput {
  /** The name asked for (API create) or sent by the agent (grid-token registration). */
  node: string;
  agent_node_id: string | null;
  /** Grid-token registrations rename on a name conflict instead of failing (§7 `ensure_unique_name`). */
  rename_on_conflict: boolean;
  /** Whether a live node of that name exists, read from its stream by the caller. */
  node_exists: boolean;
}

export function evolveClaims(claims: readonly NodeClaim[], event: NodeClaimEvent): readonly NodeClaim[] {
  switch (event.type) {
    case 'NodeNumberClaimed':
      return [...claims, event.data];
    case 'NodeAgentClaimed':
      return claims.map((claim) =>
        claim.node === event.data.node ? { ...claim, agent_node_id: event.data.agent_node_id } : claim,
      );
    case 'NodeNumberReleased':
      return claims.filter((claim) => claim.node !== event.data.node);
  }
}

/** `<name>-<node_number>`, and in the unlikely case that is taken too, a further `-2`, `-3`, … */
function uniqueName(claims: readonly NodeClaim[], name: string, number: number): string {
  const taken = new Set(claims.map((claim) => claim.node));
  const renamed = `${name}-${number}`;
  // Kontena retried the same `<name>-<number>` for ever when that name was taken as well; we extend it instead.
  for (let suffix = 1; ; suffix++) {
    const candidate = suffix === 1 ? renamed : `${renamed}-${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The first free number in 1..254 for a new node (kontena-behaviour.md §7 `Grid#create_node!`). */
export function decideNodeNumberClaim(
  claims: readonly NodeClaim[],
  input: ClaimNodeNumberInput,
): NodeNumberClaimed[] | DomainError {
  const { node, agent_node_id, rename_on_conflict, node_exists } = input;
  // The agent already has a seat (a retried or racing registration): the caller finds it in the state.
  if (agent_node_id !== null && claims.some((claim) => claim.agent_node_id === agent_node_id)) return [];

  const sameName = claims.find((claim) => claim.node === node);
  if (sameName && !node_exists && sameName.agent_node_id === agent_node_id) return [];
  if (sameName && !rename_on_conflict)
    return ValidationFailed.of('name', `Node with name ${node} already exists`);

  const number = lowestFreeNodeNumber(claims.map((claim) => claim.number));
  if (number === undefined) return ValidationFailed.of('grid', 'Node numbers not available. Grid is full?');
  const name = sameName ? uniqueName(claims, node, number) : node;
  return [{ type: 'NodeNumberClaimed', data: { number, node: name, agent_node_id } }];
}

/** An agent binds a node through its token: the agent node id must be free, and the node not bound to another (§7). */
export function decideNodeAgentClaim(
  claims: readonly NodeClaim[],
  node: string,
  agent_node_id: string,
): NodeAgentClaimed[] | DomainError {
  const owner = claims.find((claim) => claim.agent_node_id === agent_node_id);
  if (owner && owner.node !== node) return AgentRefused.agentNodeIdTaken();
  const claim = claims.find((c) => c.node === node);
  // No claim (only if the node's creation raced a compensating release): the node stream still checks the binding.
  if (!claim || claim.agent_node_id === agent_node_id) return [];
  if (claim.agent_node_id !== null) return AgentRefused.nodeTokenBoundElsewhere();
  return [{ type: 'NodeAgentClaimed', data: { ...claim, agent_node_id } }];
}

export function decideNodeNumberRelease(claims: readonly NodeClaim[], node: string): NodeNumberReleased[] {
  const claim = claims.find((c) => c.node === node);
  return claim ? [{ type: 'NodeNumberReleased', data: { number: claim.number, node } }] : [];
}

/** The claim the caller's command resulted in: by agent node id for registrations, by name otherwise. */
export function findNodeClaim(
  claims: readonly NodeClaim[],
  by: { node: string; agent_node_id: string | null },
): NodeClaim | undefined {
  if (by.agent_node_id !== null) {
    const owned = claims.find((claim) => claim.agent_node_id === by.agent_node_id);
    if (owned) return owned;
  }
  return claims.find((claim) => claim.node === by.node);
}
