import type { VolumeEvent } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import { gridIndexes, Projection, ReadModelOp, ReadModelReader, VolumeDoc } from '@libs/read-model';
import { occurredAt, ops } from './projection-helpers';

/** Volumes by `<grid>/<name>` and each grid's volume list. */
export const volumesProjection: Projection = {
  name: 'volumes',
  project(envelope: RecordedEnvelope, reader: ReadModelReader): ReadModelOp[] {
    if (!envelope.streamName.startsWith('volume-')) return [];
    const event = envelope.event as VolumeEvent;
    const id = envelope.streamName.slice('volume-'.length);
    const o = ops(reader.keys);
    const at = occurredAt(envelope);

    switch (event.type) {
      case 'VolumeCreated': {
        const doc: VolumeDoc = { id, ...event.data, created_at: at, updated_at: at };
        return [o.putDoc('volume', id, doc), o.index(gridIndexes.volumes(event.data.grid), id)];
      }
      case 'VolumeRemoved':
        return [o.dropDoc('volume', id), o.unindex(gridIndexes.volumes(event.data.grid), id)];
      default:
        return [];
    }
  },
};
