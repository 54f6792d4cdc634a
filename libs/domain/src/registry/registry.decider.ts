import { assertNever, Decider, Decision } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { RegistryCommand } from './registry.commands';
import type { RegistryCreated, RegistryEvent } from './registry.events';

export type RegistryState =
  { status: 'absent' } | ({ status: 'active' } & RegistryCreated['data']) | { status: 'removed' };

const initialState: RegistryState = { status: 'absent' };

function evolve(state: RegistryState, event: RegistryEvent): RegistryState {
  switch (event.type) {
    case 'RegistryCreated':
      return { status: 'active', ...event.data };
    case 'RegistryRemoved':
      return { status: 'removed' };
    default:
      return assertNever(event, 'registry event');
  }
}

function decide(command: RegistryCommand, state: RegistryState): Decision<RegistryEvent> {
  switch (command.type) {
    case 'CreateRegistry':
      // Kontena's model validation failed here but the route still answered 201 with an unsaved
      // registry (kontena-behaviour.md §2), a bug: a duplicate is refused like every other one.
      if (state.status === 'active') return ValidationFailed.of('name', 'is already taken');
      return [{ type: 'RegistryCreated', data: command.data }];
    case 'RemoveRegistry':
      if (state.status !== 'active') return command.data.reason === 'grid_removed' ? [] : new NotFound();
      return [
        {
          type: 'RegistryRemoved',
          data: { grid: state.grid, name: state.name, reason: command.data.reason },
        },
      ];
    default:
      return assertNever(command, 'registry command');
  }
}

export const registryDecider: Decider<RegistryState, RegistryCommand, RegistryEvent> = {
  initialState,
  evolve,
  decide,
};
