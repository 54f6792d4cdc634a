import { DeployStreamEvent, FoldedMap, ServiceDeployScheduled, withEntry } from '@libs/domain';

export interface InstanceDeployProgress {
  instance_number: number;
  node_name: string;
  deploy_rev: string;
  state: 'ongoing' | 'success' | 'error';
  error: string | null;
}

/** A service deploy as its `deploy-<id>` stream tells it (kontena-behaviour.md §5). */
export interface DeployProgress {
  version: number;
  queued: boolean;
  started: boolean;
  scheduled: ServiceDeployScheduled['data'] | null;
  /** Persistent (`withEntry`): a deploy's stream has an event or two per instance. */
  instances: FoldedMap<number, InstanceDeployProgress>;
  finished: { state: 'success' | 'error'; reason: string | null } | null;
}

export const initialDeployProgress: DeployProgress = {
  version: 0,
  queued: false,
  started: false,
  scheduled: null,
  instances: new Map(),
  finished: null,
};

function evolve(state: DeployProgress, event: DeployStreamEvent): DeployProgress {
  const next = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'ServiceDeployQueued':
      return { ...next, queued: true };
    case 'ServiceDeployStarted':
      return { ...next, queued: true, started: true };
    case 'ServiceDeployScheduled':
      return { ...next, scheduled: event.data };
    case 'InstanceDeployStarted': {
      const { instance_number, node, deploy_rev } = event.data;
      const instances = withEntry(state.instances, instance_number, {
        instance_number,
        node_name: node,
        deploy_rev,
        state: 'ongoing' as const,
        error: null,
      });
      return { ...next, instances };
    }
    case 'InstanceDeployFinished': {
      const before = state.instances.get(event.data.instance_number);
      if (!before) return next;
      const instances = withEntry(state.instances, before.instance_number, {
        ...before,
        state: event.data.state,
        error: event.data.error,
      });
      return { ...next, instances };
    }
    case 'ServiceDeployFinished':
      return { ...next, finished: { state: event.data.state, reason: event.data.reason } };
    case 'ServiceDeployAborted':
      return { ...next, finished: { state: 'error', reason: event.data.reason } };
    default:
      return next;
  }
}

export const deployProgressFold = { initialState: initialDeployProgress, evolve };
