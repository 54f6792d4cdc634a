import { assertNever, Decider, Decision } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import { sameValue } from '../shared/same-value';
import type { ServiceCommand, UpdateService } from './service.commands';
import type { ServiceChanges, ServiceDefinition, ServiceRunState } from './service.definition';
import type { ServiceEvent } from './service.events';
import { envKey, mergeEnv, nameLengthError, removeEnv, setEnv, updateErrors } from './service.rules';

export type ActiveService = ServiceDefinition & {
  status: 'active';
  grid: string;
  stack: string;
  name: string;
  revision: number;
  stack_revision: number | null;
  state: ServiceRunState;
};

export type ServiceState = { status: 'absent' } | ActiveService | { status: 'removed' };

const initialState: ServiceState = { status: 'absent' };

function evolve(state: ServiceState, event: ServiceEvent): ServiceState {
  if (event.type === 'ServiceCreated') return { status: 'active', state: 'initialized', ...event.data };
  if (event.type === 'ServiceRemoved') return { status: 'removed' };
  if (state.status !== 'active') return state;
  switch (event.type) {
    case 'ServiceUpdated':
      return {
        ...state,
        ...event.data.changes,
        revision: event.data.revision,
        stack_revision: event.data.stack_revision ?? state.stack_revision,
      };
    case 'ServiceScaled':
      return { ...state, instances: event.data.instances };
    case 'ServiceDeployRequested':
      return { ...state, state: 'running', revision: event.data.revision };
    case 'ServiceStarted':
      return { ...state, state: 'running' };
    case 'ServiceStopped':
      return { ...state, state: 'stopped' };
    case 'ServiceEnvAdded':
      return { ...state, env: setEnv(state.env, event.data.env), revision: event.data.revision };
    case 'ServiceEnvRemoved':
      return { ...state, env: removeEnv(state.env, event.data.key), revision: event.data.revision };
    case 'ServiceRestartRequested':
    case 'ServiceInstanceRescheduleRequested':
      return state;
    default:
      return assertNever(event, 'service event');
  }
}

/** The attributes whose requested value differs from the current one; `env` merged first (§2 env merge). */
function changedAttributes(state: ActiveService, requested: ServiceChanges): ServiceChanges {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(requested)) {
    if (value === undefined) continue;
    const next = key === 'env' ? mergeEnv(state.env, value as string[]) : value;
    if (!sameValue(next, state[key as keyof ServiceChanges])) changes[key] = next;
  }
  return changes as ServiceChanges;
}

/**
 * Kontena's revision rule (`update_grid_service`): the revision moves when any attribute or embedded list
 * changed, or when forced; an update that changes nothing appends nothing.
 */
function update(state: ActiveService, command: UpdateService): Decision<ServiceEvent> {
  const { changes: requested, force, stack_revision } = command.data;
  const errors = updateErrors(state, requested);
  if (errors) return new ValidationFailed(errors);
  const changes = changedAttributes(state, requested);
  const stackRevision =
    stack_revision !== undefined && stack_revision !== state.stack_revision ? { stack_revision } : {};
  if (Object.keys(changes).length > 0 || force) {
    return [{ type: 'ServiceUpdated', data: { changes, revision: state.revision + 1, ...stackRevision } }];
  }
  // A stack deploy records the stack revision it applied even when the service itself did not change.
  return 'stack_revision' in stackRevision
    ? [{ type: 'ServiceUpdated', data: { changes, revision: state.revision, ...stackRevision } }]
    : [];
}

function decide(command: ServiceCommand, state: ServiceState): Decision<ServiceEvent> {
  if (command.type === 'CreateService') {
    const { grid, stack, name, definition, stack_revision = null } = command.data;
    const tooLong = nameLengthError(grid, stack, name, definition.instances);
    if (tooLong) return ValidationFailed.of('name', tooLong);
    // Kontena's uniqueness validation (name within grid and stack); a removed service's name is free again.
    if (state.status === 'active') return ValidationFailed.of('name', 'is already taken');
    return [
      {
        type: 'ServiceCreated',
        data: { grid, stack, name, ...definition, revision: 1, stack_revision },
      },
    ];
  }
  if (state.status !== 'active') return new NotFound();

  switch (command.type) {
    case 'UpdateService':
      return update(state, command);
    case 'ScaleService': {
      // Scale is a deploy with another instance count; the revision stays (kontena-behaviour.md §2).
      const scaled: ServiceEvent[] =
        command.data.instances === state.instances
          ? []
          : [{ type: 'ServiceScaled', data: { instances: command.data.instances } }];
      return [
        ...scaled,
        {
          type: 'ServiceDeployRequested',
          data: {
            deploy_id: command.data.deploy_id,
            stack_deploy_id: null,
            force: false,
            revision: state.revision,
          },
        },
      ];
    }
    case 'DeployService': {
      const { deploy_id, force, stack_deploy_id } = command.data;
      return [
        {
          type: 'ServiceDeployRequested',
          data: { deploy_id, stack_deploy_id, force, revision: force ? state.revision + 1 : state.revision },
        },
      ];
    }
    case 'StartService':
      return state.state === 'running' ? [] : [{ type: 'ServiceStarted', data: {} }];
    case 'StopService':
      return state.state === 'stopped' ? [] : [{ type: 'ServiceStopped', data: {} }];
    case 'RestartService':
      return [{ type: 'ServiceRestartRequested', data: {} }];
    case 'AddServiceEnv':
      return state.env.includes(command.data.env) && sameValue(setEnv(state.env, command.data.env), state.env)
        ? []
        : [{ type: 'ServiceEnvAdded', data: { env: command.data.env, revision: state.revision + 1 } }];
    case 'RemoveServiceEnv':
      return state.env.some((entry) => envKey(entry) === command.data.key)
        ? [{ type: 'ServiceEnvRemoved', data: { key: command.data.key, revision: state.revision + 1 } }]
        : [];
    case 'RescheduleServiceInstance':
      return [{ type: 'ServiceInstanceRescheduleRequested', data: command.data }];
    case 'RemoveService':
      if (command.data.linked_from.length > 0) {
        return ValidationFailed.of(
          'service',
          `Cannot delete service that is linked to another service (${command.data.linked_from.join(', ')})`,
        );
      }
      return [{ type: 'ServiceRemoved', data: { grid: state.grid, stack: state.stack, name: state.name } }];
    default:
      return assertNever(command, 'service command');
  }
}

export const serviceDecider: Decider<ServiceState, ServiceCommand, ServiceEvent> = {
  initialState,
  evolve,
  decide,
};
