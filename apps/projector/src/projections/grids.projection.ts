import type { GridEvent } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import { GridDoc, gridIndexes, Projection, ReadModelOp, ReadModelReader, userIndexes } from '@libs/read-model';
import { occurredAt, ops } from './projection-helpers';

/** Grids by name, the grid list, each user's grids, and grid tokens by hash for agent registration. */
export const gridsProjection: Projection = {
  name: 'grids',
  async project(envelope: RecordedEnvelope, reader: ReadModelReader): Promise<ReadModelOp[]> {
    if (!envelope.streamName.startsWith('grid-')) return [];
    const event = envelope.event as GridEvent;
    const o = ops(reader.keys);
    const at = occurredAt(envelope);

    if (event.type === 'GridCreated') {
      const { token_hash, ...data } = event.data;
      const doc: GridDoc = { ...data, id: data.name, created_at: at, updated_at: at };
      return [
        o.putDoc('grid', data.name, doc),
        o.index(gridIndexes.all, data.name),
        o.link('gridtoken', token_hash, data.name),
        o.link('gridtokenhash', data.name, token_hash),
        ...data.users.map((email) => o.index(userIndexes.grids(email), data.name)),
      ];
    }
    const name = envelope.streamName.slice('grid-'.length);
    const doc = await reader.doc<GridDoc>('grid', name);
    if (!doc) return [];
    switch (event.type) {
      case 'GridUpdated':
        return [o.putDoc('grid', name, { ...doc, ...event.data, updated_at: at })];
      case 'GridUserAssigned':
        return [o.putDoc('grid', name, { ...doc, users: [...doc.users, event.data.email], updated_at: at }), o.index(userIndexes.grids(event.data.email), name)];
      case 'GridUserUnassigned':
        return [
          o.putDoc('grid', name, { ...doc, users: doc.users.filter((u) => u !== event.data.email), updated_at: at }),
          o.unindex(userIndexes.grids(event.data.email), name),
        ];
      case 'GridRemoved': {
        const tokenHash = await reader.lookup('gridtokenhash', name);
        return [
          o.dropDoc('grid', name),
          o.unindex(gridIndexes.all, name),
          ...(tokenHash ? [o.unlink('gridtoken', tokenHash)] : []),
          o.unlink('gridtokenhash', name),
          ...doc.users.map((email) => o.unindex(userIndexes.grids(email), name)),
          ...Object.values(gridIndexes)
            .filter((index): index is (grid: string) => string => typeof index === 'function')
            .map((index) => o.dropIndex(index(name))),
        ];
      }
      default:
        return [];
    }
  },
};
