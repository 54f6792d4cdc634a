import { assertNever, Decider, Decision } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { GridCommand } from './grid.commands';
import type { GridCreated, GridEvent, GridSettings } from './grid.events';
import { decideNodeAgentClaim, decideNodeNumberClaim, decideNodeNumberRelease, evolveClaims, NodeClaim } from './node-claims';

export type GridState =
  | { status: 'absent' }
  | ({ status: 'active'; users: readonly string[]; node_claims: readonly NodeClaim[] } & Omit<GridCreated['data'], 'users'>)
  | { status: 'removed' };

const initialState: GridState = { status: 'absent' };

function evolve(state: GridState, event: GridEvent): GridState {
  switch (event.type) {
    case 'GridCreated':
      return { status: 'active', ...event.data, node_claims: [] };
    case 'GridUpdated':
      return state.status === 'active' ? { ...state, ...event.data } : state;
    case 'GridUserAssigned':
      return state.status === 'active' ? { ...state, users: [...state.users, event.data.email] } : state;
    case 'GridUserUnassigned':
      return state.status === 'active' ? { ...state, users: state.users.filter((u) => u !== event.data.email) } : state;
    case 'GridRemoved':
      return { status: 'removed' };
    case 'NodeNumberClaimed':
    case 'NodeAgentClaimed':
    case 'NodeNumberReleased':
      return state.status === 'active' ? { ...state, node_claims: evolveClaims(state.node_claims, event) } : state;
    default:
      return assertNever(event, 'grid event');
  }
}

/** Keeps only the settings that differ, so an update that changes nothing appends nothing. */
function changedSettings(state: GridSettings, update: Partial<GridSettings>): Partial<GridSettings> {
  const changes: Partial<GridSettings> = {};
  for (const key of Object.keys(update) as (keyof GridSettings)[]) {
    if (update[key] !== undefined && JSON.stringify(update[key]) !== JSON.stringify(state[key])) {
      (changes as Record<string, unknown>)[key] = update[key];
    }
  }
  return changes;
}

function decide(command: GridCommand, state: GridState): Decision<GridEvent> {
  if (command.type === 'CreateGrid') {
    // A removed grid's name can be used again, as in Kontena where the document is deleted.
    if (state.status === 'active') return ValidationFailed.of('grid', `Grid with name ${command.data.name} already exists`);
    const { creator, ...grid } = command.data;
    return [{ type: 'GridCreated', data: { ...grid, users: [creator] } }];
  }
  if (state.status !== 'active') return new NotFound();

  switch (command.type) {
    case 'UpdateGrid': {
      const changes = changedSettings(state, command.data);
      return Object.keys(changes).length ? [{ type: 'GridUpdated', data: changes }] : [];
    }
    case 'AssignGridUser':
      return state.users.includes(command.data.email) ? [] : [{ type: 'GridUserAssigned', data: command.data }];
    case 'UnassignGridUser':
      if (!state.users.includes(command.data.email)) {
        return command.data.userRemoved ? [] : ValidationFailed.of('user', 'Invalid user');
      }
      // Kontena's keys and messages (mutations/grids/unassign_user.rb).
      if (state.users.length === 1 && !command.data.userRemoved) return ValidationFailed.of('grid', 'Cannot remove last user');
      return [{ type: 'GridUserUnassigned', data: { email: command.data.email } }];
    case 'RemoveGrid':
      if (command.data.hasServices) return ValidationFailed.of('grid', 'Grid has services');
      // The claims make this exact even while a node is being registered; the read model may lag behind.
      if (command.data.hasNodes || state.node_claims.length > 0) return ValidationFailed.of('grid', 'Grid has nodes');
      return [{ type: 'GridRemoved', data: { name: state.name } }];
    case 'ClaimNodeNumber':
      return decideNodeNumberClaim(state.node_claims, command.data);
    case 'ClaimNodeAgent':
      return decideNodeAgentClaim(state.node_claims, command.data.node, command.data.agent_node_id);
    case 'ReleaseNodeNumber':
      return decideNodeNumberRelease(state.node_claims, command.data.node);
    default:
      return assertNever(command, 'grid command');
  }
}

export const gridDecider: Decider<GridState, GridCommand, GridEvent> = { initialState, evolve, decide };
