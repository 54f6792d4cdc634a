import type { StackDeployProgress, StackEvent } from '@libs/domain';

export interface StackDeployRequest {
  stack_deploy_id: string;
  service_deploys: readonly { service: string; deploy_id: string }[];
}

/** The stack deploys a stack's stream requested, by id (the rest of the stack is the services' business). */
export interface StackDeployRequests {
  version: number;
  requests: ReadonlyMap<string, StackDeployRequest>;
}

export const stackDeployRequestsFold = {
  initialState: { version: 0, requests: new Map() } as StackDeployRequests,
  evolve(state: StackDeployRequests, event: StackEvent): StackDeployRequests {
    if (event.type !== 'StackDeployRequested') return { ...state, version: state.version + 1 };
    const requests = new Map(state.requests);
    const { stack_deploy_id, service_deploys } = event.data;
    requests.set(stack_deploy_id, { stack_deploy_id, service_deploys });
    return { version: state.version + 1, requests };
  },
};

/** A stack deploy's progress (stream `stackdeploy-<id>`). */
export interface StackDeployState {
  version: number;
  started: boolean;
  finished: { state: 'success' | 'error'; reason: string | null } | null;
}

export const stackDeployProgressFold = {
  initialState: { version: 0, started: false, finished: null } as StackDeployState,
  evolve(state: StackDeployState, event: StackDeployProgress): StackDeployState {
    const next = { ...state, version: state.version + 1 };
    if (event.type === 'StackDeployStarted') return { ...next, started: true };
    if (event.type === 'StackDeployFinished')
      return { ...next, finished: { state: event.data.state, reason: event.data.reason } };
    return next;
  },
};
