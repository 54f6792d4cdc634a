import type { StackDeployProgress, StackEvent } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import {
  gridIndexes,
  Projection,
  ReadModelOp,
  ReadModelReader,
  StackDeployDoc,
  StackDoc,
  stackIndexes,
} from '@libs/read-model';
import { occurredAt, occurredMs, ops } from './projection-helpers';

async function projectStackEvent(
  envelope: RecordedEnvelope,
  reader: ReadModelReader,
): Promise<ReadModelOp[]> {
  const event = envelope.event as StackEvent;
  const id = envelope.streamName.slice('stack-'.length);
  const o = ops(reader.keys);
  const at = occurredAt(envelope);

  if (event.type === 'StackCreated') {
    const doc: StackDoc = { ...event.data, id, removing: false, created_at: at, updated_at: at };
    const ms = occurredMs(envelope);
    return [
      o.putDoc('stack', id, doc),
      o.index(gridIndexes.stacks(doc.grid), doc.name, ms),
      ...(doc.parent_name ? [o.index(stackIndexes.children(doc.grid, doc.parent_name), doc.name, ms)] : []),
    ];
  }
  const doc = await reader.doc<StackDoc>('stack', id);
  if (!doc) return [];

  switch (event.type) {
    case 'StackRevisionCreated':
      return [o.putDoc('stack', id, { ...doc, ...event.data, updated_at: at })];
    case 'StackLabelsChanged':
      return [o.putDoc('stack', id, { ...doc, labels: event.data.labels })];
    case 'StackDeployRequested': {
      const { stack_deploy_id, service_deploys } = event.data;
      const deploy: StackDeployDoc = {
        id: stack_deploy_id,
        stack_id: id,
        created_at: at,
        started_at: null,
        finished_at: null,
        state: 'created',
        reason: null,
        service_deploys: service_deploys.map((d) => d.deploy_id),
      };
      return [
        o.putDoc('stackdeploy', stack_deploy_id, deploy),
        o.index(stackIndexes.deploys(doc.grid, doc.name), stack_deploy_id, occurredMs(envelope)),
      ];
    }
    case 'StackRemovalRequested':
      return [o.putDoc('stack', id, { ...doc, removing: true })];
    case 'StackRemoved': {
      // Kontena destroys a stack's deploys with it; its children keep their parent's name (`parent.id` null).
      const deploys = await reader.ids(stackIndexes.deploys(doc.grid, doc.name));
      return [
        o.dropDoc('stack', id),
        o.unindex(gridIndexes.stacks(doc.grid), doc.name),
        ...(doc.parent_name ? [o.unindex(stackIndexes.children(doc.grid, doc.parent_name), doc.name)] : []),
        ...deploys.map((deployId) => o.dropDoc('stackdeploy', deployId)),
        o.dropIndex(stackIndexes.deploys(doc.grid, doc.name)),
      ];
    }
    case 'StackStopRequested':
    case 'StackRestartRequested':
      return [];
    default:
      return [];
  }
}

/** The reconciler's progress on one stack deploy (stream `stackdeploy-<id>`). */
async function projectStackDeployProgress(
  envelope: RecordedEnvelope,
  reader: ReadModelReader,
): Promise<ReadModelOp[]> {
  const event = envelope.event as StackDeployProgress;
  const id = envelope.streamName.slice('stackdeploy-'.length);
  const o = ops(reader.keys);
  const at = occurredAt(envelope);
  const deploy = await reader.doc<StackDeployDoc>('stackdeploy', id);
  if (!deploy) return [];
  switch (event.type) {
    case 'StackDeployStarted':
      return [o.putDoc('stackdeploy', id, { ...deploy, state: 'ongoing', started_at: at })];
    case 'StackDeployFinished':
      return [
        o.putDoc('stackdeploy', id, {
          ...deploy,
          state: event.data.state,
          reason: event.data.reason,
          finished_at: at,
        }),
      ];
    default:
      return [];
  }
}

/** Stacks by id with their latest revision, the grid's stack list, children by parent, and stack deploys. */
export const stacksProjection: Projection = {
  name: 'stacks',
  project(envelope: RecordedEnvelope, reader: ReadModelReader): Promise<ReadModelOp[]> | ReadModelOp[] {
    if (envelope.streamName.startsWith('stack-')) return projectStackEvent(envelope, reader);
    if (envelope.streamName.startsWith('stackdeploy-')) return projectStackDeployProgress(envelope, reader);
    return [];
  },
};
