import { assertNever, Decider, Decision } from '../shared/decider';
import { ErrorHash, NotFound, ValidationFailed } from '../shared/domain-error';
import type { VolumeCommand } from './volume.commands';
import type { VolumeCreated, VolumeEvent } from './volume.events';

export type VolumeState =
  { status: 'absent' } | ({ status: 'active' } & VolumeCreated['data']) | { status: 'removed' };

const initialState: VolumeState = { status: 'absent' };

function evolve(state: VolumeState, event: VolumeEvent): VolumeState {
  switch (event.type) {
    case 'VolumeCreated':
      return { status: 'active', ...event.data };
    case 'VolumeRemoved':
      return { status: 'removed' };
    default:
      return assertNever(event, 'volume event');
  }
}

/** Kontena's 404 body for volumes (`volumes_api.rb` `load_volume`). */
export const volumeNotFound = (name: string) => new NotFound(`Volume ${name} not found`);

/** Ruby's `Array#to_s`, which Kontena interpolated into the message: `["g/null/a", "g/s/b"]`. */
const rubyList = (items: readonly string[]) => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;

function decide(command: VolumeCommand, state: VolumeState): Decision<VolumeEvent> {
  switch (command.type) {
    case 'CreateVolume': {
      // Both checks of `volumes/create.rb#validate` run, so both messages can come back together.
      const errors: ErrorHash = {};
      if (state.status === 'active') errors.name = 'Volume with given name already exists';
      if (command.data.driver.includes(':')) errors.driver = 'Driver version tag cannot be used';
      if (Object.keys(errors).length) return new ValidationFailed(errors);
      return [{ type: 'VolumeCreated', data: command.data }];
    }
    case 'RemoveVolume': {
      const { name, services, reason } = command.data;
      if (state.status !== 'active') return reason === 'grid_removed' ? [] : volumeNotFound(name);
      // Kontena keys this error by the volume's name (`volumes/delete.rb`).
      if (services.length)
        return ValidationFailed.of(name, `Volume still in use in services ${rubyList(services)}`);
      return [{ type: 'VolumeRemoved', data: { grid: state.grid, name: state.name, reason } }];
    }
    default:
      return assertNever(command, 'volume command');
  }
}

export const volumeDecider: Decider<VolumeState, VolumeCommand, VolumeEvent> = {
  initialState,
  evolve,
  decide,
};
