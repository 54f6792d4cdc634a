import type { SecretEvent } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import { gridIndexes, Projection, ReadModelOp, ReadModelReader, SecretDoc } from '@libs/read-model';
import { occurredAt, ops } from './projection-helpers';

/** Secrets by `<grid>/<name>` and each grid's secret list. Values stay sealed; reads change nothing here. */
export const secretsProjection: Projection = {
  name: 'secrets',
  async project(envelope: RecordedEnvelope, reader: ReadModelReader): Promise<ReadModelOp[]> {
    if (!envelope.streamName.startsWith('secret-')) return [];
    const event = envelope.event as SecretEvent;
    const id = envelope.streamName.slice('secret-'.length);
    const o = ops(reader.keys);
    const at = occurredAt(envelope);

    switch (event.type) {
      case 'SecretCreated': {
        const doc: SecretDoc = { id, ...event.data, created_at: at, updated_at: at };
        return [o.putDoc('secret', id, doc), o.index(gridIndexes.secrets(event.data.grid), id)];
      }
      case 'SecretValueChanged': {
        const doc = await reader.doc<SecretDoc>('secret', id);
        return doc ? [o.putDoc('secret', id, { ...doc, value: event.data.value, updated_at: at })] : [];
      }
      case 'SecretRemoved':
        return [o.dropDoc('secret', id), o.unindex(gridIndexes.secrets(event.data.grid), id)];
      default:
        return [];
    }
  },
};
