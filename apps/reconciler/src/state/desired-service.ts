import { ActiveService, ServiceEvent, serviceDecider, ServiceState } from '@libs/domain';
import type { ServiceDoc } from '@libs/read-model';

/** A deploy the service's stream asked for (`ServiceDeployRequested`), in request order. */
export interface DeployRequest {
  deploy_id: string;
  stack_deploy_id: string | null;
  force: boolean;
  revision: number;
}

/**
 * What should run, folded from the service's stream (authoritative, so a pass never acts on a lagging read
 * model): the services decider's state plus what only the reconciler reads, the deploy requests and the
 * restart and reschedule requests (identified by the stream revision that recorded them).
 */
export interface DesiredService {
  /** Events folded: the stream revision of the last one is `version - 1`. */
  version: number;
  service: ServiceState;
  /** Every deploy requested since the service was (re)created; finished ones are skipped by the loader. */
  deployRequests: readonly DeployRequest[];
  /** Stream revision of the latest `ServiceRestartRequested`. */
  restartRequest: number | null;
  reschedules: readonly { request: number; instance_number: number }[];
}

export const initialDesiredService: DesiredService = {
  version: 0,
  service: serviceDecider.initialState,
  deployRequests: [],
  restartRequest: null,
  reschedules: [],
};

function evolve(state: DesiredService, event: ServiceEvent): DesiredService {
  const revision = state.version;
  const next: DesiredService = {
    ...state,
    version: state.version + 1,
    service: serviceDecider.evolve(state.service, event),
  };
  switch (event.type) {
    case 'ServiceCreated':
      // A name used again is a new service: the old one's requests were settled when it was removed.
      return { ...next, deployRequests: [], restartRequest: null, reschedules: [] };
    case 'ServiceDeployRequested':
      return { ...next, deployRequests: [...state.deployRequests, { ...event.data }] };
    case 'ServiceRestartRequested':
      return { ...next, restartRequest: revision };
    case 'ServiceInstanceRescheduleRequested':
      return {
        ...next,
        reschedules: [
          ...state.reschedules,
          { request: revision, instance_number: event.data.instance_number },
        ],
      };
    default:
      return next;
  }
}

export const desiredServiceFold = { initialState: initialDesiredService, evolve };

export function activeService(desired: DesiredService): ActiveService | undefined {
  return desired.service.status === 'active' ? desired.service : undefined;
}

/** The service as a document, for `servicePod()`: the pod every instance of a deploy is built from. */
export function serviceDocOf(id: string, service: ActiveService): ServiceDoc {
  const { status: _status, ...definition } = service;
  return {
    ...definition,
    id,
    deploy_requested_at: null,
    // Times are not part of a pod; the snapshot leaves them empty rather than invent them.
    created_at: '',
    updated_at: '',
  };
}
