import { removeEnv, ServiceDeployProgress, ServiceEvent, setEnv } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import {
  crossIndexes,
  DEPLOY_INSTANCES,
  FINISHED_DEPLOYS_KEPT,
  gridIndexes,
  Projection,
  ReadModelOp,
  ReadModelReader,
  ServiceDoc,
  StoredDeployDoc,
  StoredInstanceDeploy,
} from '@libs/read-model';
import { occurredAt, occurredMs, ops } from './projection-helpers';

type Ops = ReturnType<typeof ops>;

/** The indexes other features read about what a service refers to: secrets, volumes, linked services. */
function referenceIndexes(doc: ServiceDoc): string[] {
  return [
    ...doc.secrets.map((s) => crossIndexes.secretServices(doc.grid, s.secret)),
    ...doc.volumes.filter((v) => v.volume).map((v) => crossIndexes.volumeServices(doc.grid, v.volume!)),
    ...doc.links.map((l) => crossIndexes.serviceLinkedFrom(`${doc.grid}/${l.name}`)),
  ];
}

/** Re-points the reference indexes from `before` to `after` (removal first, so kept ones stay). */
function reindexReferences(
  o: Ops,
  before: ServiceDoc | undefined,
  after: ServiceDoc | undefined,
): ReadModelOp[] {
  return [
    ...(before ? referenceIndexes(before).map((index) => o.unindex(index, before.id)) : []),
    ...(after ? referenceIndexes(after).map((index) => o.index(index, after.id)) : []),
  ];
}

async function projectServiceEvent(
  envelope: RecordedEnvelope,
  reader: ReadModelReader,
): Promise<ReadModelOp[]> {
  const event = envelope.event as ServiceEvent;
  const id = envelope.streamName.slice('service-'.length);
  const o = ops(reader.keys);
  const at = occurredAt(envelope);

  if (event.type === 'ServiceCreated') {
    const doc: ServiceDoc = {
      ...event.data,
      id,
      state: 'initialized',
      deploy_requested_at: null,
      created_at: at,
      updated_at: at,
    };
    const ms = occurredMs(envelope);
    return [
      o.putDoc('service', id, doc),
      o.index(gridIndexes.services(doc.grid), id, ms),
      o.index(crossIndexes.stackServices(doc.grid, doc.stack), id, ms),
      ...reindexReferences(o, undefined, doc),
    ];
  }
  const doc = await reader.doc<ServiceDoc>('service', id);
  if (!doc) return [];
  const put = (next: ServiceDoc) => o.putDoc('service', id, { ...next, updated_at: at });

  switch (event.type) {
    case 'ServiceUpdated': {
      const next: ServiceDoc = {
        ...doc,
        ...event.data.changes,
        revision: event.data.revision,
        stack_revision: event.data.stack_revision ?? doc.stack_revision,
      };
      return [put(next), ...reindexReferences(o, doc, next)];
    }
    case 'ServiceScaled':
      return [put({ ...doc, instances: event.data.instances })];
    case 'ServiceDeployRequested': {
      const { deploy_id, stack_deploy_id, force, revision } = event.data;
      const deploy: StoredDeployDoc = {
        id: deploy_id,
        service_id: id,
        stack_deploy_id,
        force,
        revision,
        created_at: at,
        queued_at: null,
        started_at: null,
        finished_at: null,
        state: 'created',
        reason: null,
      };
      return [
        put({
          ...doc,
          state: 'running',
          revision,
          deploy_requested_at: at,
        }),
        o.putDoc('deploy', deploy_id, deploy),
        o.index(crossIndexes.serviceDeploys(id), deploy_id, occurredMs(envelope)),
        o.index(crossIndexes.serviceUnfinishedDeploys(id), deploy_id, occurredMs(envelope)),
      ];
    }
    case 'ServiceStarted':
      return [put({ ...doc, state: 'running' })];
    case 'ServiceStopped':
      return [put({ ...doc, state: 'stopped' })];
    case 'ServiceEnvAdded':
      return [put({ ...doc, env: setEnv(doc.env, event.data.env), revision: event.data.revision })];
    case 'ServiceEnvRemoved':
      return [put({ ...doc, env: removeEnv(doc.env, event.data.key), revision: event.data.revision })];
    case 'ServiceRemoved': {
      // Kontena deletes a service's deploys with it (`has_many :grid_service_deploys, dependent: :delete`).
      const deploys = await reader.ids(crossIndexes.serviceDeploys(id));
      return [
        o.dropDoc('service', id),
        o.unindex(gridIndexes.services(doc.grid), id),
        o.unindex(crossIndexes.stackServices(doc.grid, doc.stack), id),
        ...reindexReferences(o, doc, undefined),
        o.dropIndex(crossIndexes.serviceLinkedFrom(id)),
        ...deploys.flatMap((deployId) => [o.dropDoc('deploy', deployId), o.dropHash(DEPLOY_INSTANCES, deployId)]),
        o.dropIndex(crossIndexes.serviceDeploys(id)),
        o.dropIndex(crossIndexes.serviceUnfinishedDeploys(id)),
        o.dropIndex(crossIndexes.serviceFinishedDeploys(id)),
      ];
    }
    // Nothing the read models show changes; the reconciler acts on these.
    case 'ServiceRestartRequested':
    case 'ServiceInstanceRescheduleRequested':
      return [];
    default:
      return [];
  }
}

/** The reconciler's progress on one deploy (stream `deploy-<id>`, see `@libs/domain` deploy events). */
async function projectDeployProgress(
  envelope: RecordedEnvelope,
  reader: ReadModelReader,
): Promise<ReadModelOp[]> {
  const event = envelope.event as ServiceDeployProgress;
  const id = envelope.streamName.slice('deploy-'.length);
  const o = ops(reader.keys);
  const at = occurredAt(envelope);
  const deploy = await reader.doc<StoredDeployDoc>('deploy', id);
  // The service (and its deploys) may have been removed while the deploy ran.
  if (!deploy) return [];
  const put = (next: StoredDeployDoc) => o.putDoc('deploy', id, next);
  const putInstance = (next: StoredInstanceDeploy) =>
    o.putField(DEPLOY_INSTANCES, id, String(next.instance_number), next);

  const finish = async (state: 'success' | 'error', reason: string | null): Promise<ReadModelOp[]> => {
    const service = deploy.service_id;
    // Oldest first, and this one finishes last: what is beyond the newest FINISHED_DEPLOYS_KEPT goes.
    const earlier = await reader.ids(crossIndexes.serviceFinishedDeploys(service));
    const finished = [...earlier.filter((d) => d !== id), id];
    const expired = finished.slice(0, Math.max(0, finished.length - FINISHED_DEPLOYS_KEPT));
    return [
      put({ ...deploy, state, reason, finished_at: at }),
      o.unindex(crossIndexes.serviceUnfinishedDeploys(service), id),
      // Scored by the log position, not the time: deploys finishing in the same millisecond keep their order.
      o.index(crossIndexes.serviceFinishedDeploys(service), id, Number(envelope.position.commit)),
      ...expired.flatMap((old) => [
        o.dropDoc('deploy', old),
        o.dropHash(DEPLOY_INSTANCES, old),
        o.unindex(crossIndexes.serviceDeploys(service), old),
        o.unindex(crossIndexes.serviceFinishedDeploys(service), old),
        // A finished deploy's stream gets no more events: its guard key would be all that is left of it.
        o.forgetStream(`deploy-${old}`),
      ]),
    ];
  };

  switch (event.type) {
    case 'ServiceDeployQueued':
      return [put({ ...deploy, queued_at: at })];
    case 'ServiceDeployStarted':
      return [put({ ...deploy, state: 'ongoing', started_at: at })];
    case 'InstanceDeployStarted': {
      // A second start of the same instance (a retry) replaces the first and moves to the end.
      const { instance_number, node } = event.data;
      const seq = Number(envelope.revision);
      return [putInstance({ instance_number, node, state: 'ongoing', error: null, seq })];
    }
    case 'InstanceDeployFinished': {
      const { instance_number, state, error } = event.data;
      const raw = await reader.field(DEPLOY_INSTANCES, id, String(instance_number));
      // Only an instance deploy that started can finish (the reconciler never records one otherwise).
      if (!raw) return [];
      return [putInstance({ ...(JSON.parse(raw) as StoredInstanceDeploy), state, error })];
    }
    case 'ServiceDeployFinished':
      return finish(event.data.state, event.data.reason);
    case 'ServiceDeployAborted':
      return finish('error', event.data.reason);
    default:
      return [];
  }
}

/**
 * Services by id, the grid's and each stack's service lists, the deploy records and the cross indexes other
 * features read (`secretServices`, `volumeServices`, `serviceLinkedFrom`, `stackServices`, `serviceDeploys`,
 * `serviceUnfinishedDeploys`, `serviceFinishedDeploys`).
 */
export const servicesProjection: Projection = {
  name: 'services',
  project(envelope: RecordedEnvelope, reader: ReadModelReader): Promise<ReadModelOp[]> | ReadModelOp[] {
    if (envelope.streamName.startsWith('service-')) return projectServiceEvent(envelope, reader);
    if (envelope.streamName.startsWith('deploy-')) return projectDeployProgress(envelope, reader);
    return [];
  },
};
