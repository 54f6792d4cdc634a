import { assertNever, Decider, Decision } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { SealedValue } from '../shared/sealed';
import type { SecretCommand } from './secret.commands';
import type { SecretEvent } from './secret.events';

export type SecretState =
  | { status: 'absent' }
  | { status: 'active'; grid: string; name: string; value: SealedValue }
  | { status: 'removed' };

const initialState: SecretState = { status: 'absent' };

function evolve(state: SecretState, event: SecretEvent): SecretState {
  switch (event.type) {
    case 'SecretCreated':
      return { status: 'active', ...event.data };
    case 'SecretValueChanged':
      return state.status === 'active' ? { ...state, value: event.data.value } : state;
    case 'SecretRead':
      return state;
    case 'SecretRemoved':
      return { status: 'removed' };
    default:
      return assertNever(event, 'secret event');
  }
}

function sameSealedValue(a: SealedValue, b: SealedValue): boolean {
  return a.key_id === b.key_id && a.iv === b.iv && a.ciphertext === b.ciphertext && a.tag === b.tag;
}

function decide(command: SecretCommand, state: SecretState): Decision<SecretEvent> {
  switch (command.type) {
    case 'CreateSecret':
      // Kontena's uniqueness validation message (§9); a removed secret's name is free again.
      if (state.status === 'active') return ValidationFailed.of('name', 'is already taken');
      return [{ type: 'SecretCreated', data: command.data }];
    case 'UpdateSecret': {
      const { grid, name, value, upsert, unchanged } = command.data;
      if (state.status !== 'active')
        return upsert ? [{ type: 'SecretCreated', data: { grid, name, value } }] : new NotFound();
      // Kontena's update returns early when the value is equal: no write, no service redeploys (§9).
      if (unchanged && sameSealedValue(unchanged, state.value)) return [];
      return [{ type: 'SecretValueChanged', data: { value } }];
    }
    case 'ReadSecret':
      if (state.status !== 'active') return new NotFound();
      return [{ type: 'SecretRead', data: {} }];
    case 'RemoveSecret':
      if (state.status !== 'active') return command.data.reason === 'grid_removed' ? [] : new NotFound();
      return [
        { type: 'SecretRemoved', data: { grid: state.grid, name: state.name, reason: command.data.reason } },
      ];
    default:
      return assertNever(command, 'secret command');
  }
}

export const secretDecider: Decider<SecretState, SecretCommand, SecretEvent> = {
  initialState,
  evolve,
  decide,
};
