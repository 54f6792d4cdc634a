import type { RegistryEvent } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import { gridIndexes, Projection, ReadModelOp, ReadModelReader, RegistryDoc } from '@libs/read-model';
import { occurredAt, ops } from './projection-helpers';

/** External registries by `<grid>/<name>` and each grid's registry list; passwords stay sealed. */
export const registriesProjection: Projection = {
  name: 'registries',
  project(envelope: RecordedEnvelope, reader: ReadModelReader): ReadModelOp[] {
    if (!envelope.streamName.startsWith('registry-')) return [];
    const event = envelope.event as RegistryEvent;
    const id = envelope.streamName.slice('registry-'.length);
    const o = ops(reader.keys);
    const at = occurredAt(envelope);

    switch (event.type) {
      case 'RegistryCreated': {
        const doc: RegistryDoc = { id, ...event.data, created_at: at, updated_at: at };
        return [o.putDoc('registry', id, doc), o.index(gridIndexes.registries(event.data.grid), id)];
      }
      case 'RegistryRemoved':
        return [o.dropDoc('registry', id), o.unindex(gridIndexes.registries(event.data.grid), id)];
      default:
        return [];
    }
  },
};
