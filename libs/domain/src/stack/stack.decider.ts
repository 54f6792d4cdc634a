import { assertNever, Decider, Decision } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import { sameValue } from '../shared/same-value';
import { NULL_STACK } from '../service/service.definition';
import type { StackCommand } from './stack.commands';
import type { StackEvent, StackRevisionData } from './stack.events';

export type ActiveStack = StackRevisionData & {
  status: 'active' | 'removing';
  grid: string;
  name: string;
  parent_name: string | null;
  labels: string[];
  revision: number;
};

export type StackState = { status: 'absent' } | ActiveStack | { status: 'removed' };

const initialState: StackState = { status: 'absent' };

const REVISION_FIELDS: readonly (keyof StackRevisionData)[] = [
  'stack',
  'version',
  'source',
  'registry',
  'expose',
  'variables',
  'metadata',
  'services',
  'volumes',
];

function evolve(state: StackState, event: StackEvent): StackState {
  if (event.type === 'StackCreated') return { status: 'active', ...event.data };
  if (event.type === 'StackRemoved') return { status: 'removed' };
  if (state.status !== 'active' && state.status !== 'removing') return state;
  switch (event.type) {
    case 'StackRevisionCreated':
      return { ...state, ...event.data };
    case 'StackLabelsChanged':
      return { ...state, labels: event.data.labels };
    case 'StackRemovalRequested':
      return { ...state, status: 'removing' };
    case 'StackDeployRequested':
    case 'StackStopRequested':
    case 'StackRestartRequested':
      return state;
    default:
      return assertNever(event, 'stack event');
  }
}

/**
 * The `null` stack (services created outside stacks) exists implicitly in every grid and cannot be changed
 * through the stack routes (`stacks/{update,patch,deploy,delete}.rb`).
 */
export function nullStackRefusal(action: 'update' | 'deploy' | 'delete'): ValidationFailed {
  const message = {
    update: 'Cannot update null stack',
    deploy: 'Cannot deploy null stack',
    delete: 'Cannot delete default stack',
  }[action];
  return ValidationFailed.of('stack', message);
}

function decide(command: StackCommand, state: StackState): Decision<StackEvent> {
  if (command.type === 'CreateStack') {
    const { name, revision, ...stack } = command.data;
    // `null` is taken in every grid; a removed stack's name is free again.
    if (name === NULL_STACK || state.status === 'active' || state.status === 'removing')
      return ValidationFailed.of('name', `${name} already exists`);
    return [{ type: 'StackCreated', data: { ...stack, name, ...revision, revision: 1 } }];
  }
  if (state.status !== 'active' && state.status !== 'removing') return new NotFound('Not found', {});
  if (
    state.status === 'removing' &&
    command.type !== 'RemoveStack' &&
    command.type !== 'FinishStackRemoval'
  ) {
    return ValidationFailed.of('stack', 'Stack is being removed');
  }

  switch (command.type) {
    case 'UpdateStack': {
      const events: StackEvent[] = [];
      if (command.data.labels !== undefined && !sameValue(command.data.labels, state.labels)) {
        events.push({ type: 'StackLabelsChanged', data: { labels: command.data.labels } });
      }
      // A new revision only when an attribute of the revision changed (`latest_rev.changed?`).
      if (REVISION_FIELDS.some((field) => !sameValue(command.data.revision[field], state[field]))) {
        events.push({
          type: 'StackRevisionCreated',
          data: { ...command.data.revision, revision: state.revision + 1 },
        });
      }
      return events;
    }
    case 'PatchStack':
      return command.data.labels !== undefined && !sameValue(command.data.labels, state.labels)
        ? [{ type: 'StackLabelsChanged', data: { labels: command.data.labels } }]
        : [];
    case 'DeployStack':
      return [{ type: 'StackDeployRequested', data: { ...command.data, stack_revision: state.revision } }];
    case 'StopStack':
      return [{ type: 'StackStopRequested', data: {} }];
    case 'RestartStack':
      return [{ type: 'StackRestartRequested', data: {} }];
    case 'RemoveStack':
      if (command.data.linked_from_other_stacks.length > 0) {
        return ValidationFailed.of(
          'service',
          `Cannot delete service that is linked from another stack (${command.data.linked_from_other_stacks.join(', ')})`,
        );
      }
      return state.status === 'removing' ? [] : [{ type: 'StackRemovalRequested', data: {} }];
    case 'FinishStackRemoval':
      if (state.status !== 'removing') return ValidationFailed.of('stack', 'Stack removal was not requested');
      return [{ type: 'StackRemoved', data: { grid: state.grid, name: state.name } }];
    default:
      return assertNever(command, 'stack command');
  }
}

export const stackDecider: Decider<StackState, StackCommand, StackEvent> = { initialState, evolve, decide };
