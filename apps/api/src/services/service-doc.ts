import type { ServiceDeployRequested, ServiceEvent, ServiceState } from '@libs/domain';
import { CommandOutcome, streamName } from '@libs/eventstore';
import type { DeployDoc, ServiceDoc } from '@libs/read-model';
import type { ReadModels } from '../platform/read-models';

/**
 * The service as a command left it. Read-your-writes waits for the projector only for a bounded time, so
 * when the read model still lags (docs/architecture.md), the document is built from the decider's state
 * instead of answering with a stale or missing one.
 */
export async function serviceAfter(
  readModels: ReadModels,
  id: string,
  outcome: CommandOutcome<ServiceState, ServiceEvent>,
  now: Date,
): Promise<ServiceDoc> {
  const reader = readModels.reader;
  const { doc, revision } = await reader.docAt<ServiceDoc>('service', id, streamName('service', id));
  if (doc && revision !== undefined && outcome.revision !== undefined && revision >= outcome.revision)
    return doc;
  if (outcome.state.status !== 'active') throw new Error(`service ${id} is not active after the command`);
  const { status: _status, ...service } = outcome.state;
  const requested = deployRequests(outcome.events).map((e) => e.data.deploy_id);
  const at = now.toISOString();
  return {
    ...service,
    id,
    deploy_requested_at: requested.length ? at : (doc?.deploy_requested_at ?? null),
    created_at: doc?.created_at ?? at,
    updated_at: at,
  };
}

/** The deploy a command requested, from the read model or, while that lags, from the event (state `created`). */
export async function deployAfter(
  readModels: ReadModels,
  serviceId: string,
  outcome: CommandOutcome<ServiceState, ServiceEvent>,
  now: Date,
): Promise<DeployDoc> {
  const requested = deployRequests(outcome.events)[0];
  if (!requested) throw new Error(`no deploy was requested for service ${serviceId}`);
  const { deploy_id, stack_deploy_id, force, revision } = requested.data;
  const doc = await readModels.reader.deploy(deploy_id);
  if (doc) return doc;
  return {
    id: deploy_id,
    service_id: serviceId,
    stack_deploy_id,
    force,
    revision,
    created_at: now.toISOString(),
    queued_at: null,
    started_at: null,
    finished_at: null,
    state: 'created',
    reason: null,
    instance_deploys: [],
  };
}

function deployRequests(events: readonly ServiceEvent[]): ServiceDeployRequested[] {
  return events.filter((e): e is ServiceDeployRequested => e.type === 'ServiceDeployRequested');
}
