import type { RecordedEnvelope } from '@libs/eventstore';
import type { ReadModelKeys, ReadModelOp } from '@libs/read-model';

/** The time an event happened, as projections may use it: from the event, never the clock (DESIGN.md §4). */
export function occurredAt(envelope: RecordedEnvelope): string {
  return envelope.metadata.occurredAt;
}

export function occurredMs(envelope: RecordedEnvelope): number {
  const ms = Date.parse(envelope.metadata.occurredAt);
  return Number.isFinite(ms) ? ms : envelope.created.getTime();
}

/** Small op builders so projections read as what they do. */
export const ops = (keys: ReadModelKeys) => ({
  putDoc: (type: string, id: string, doc: object): ReadModelOp => ({ op: 'set', key: keys.doc(type, id), value: JSON.stringify(doc) }),
  dropDoc: (type: string, id: string): ReadModelOp => ({ op: 'del', key: keys.doc(type, id) }),
  index: (name: string, member: string, score = 0): ReadModelOp => ({ op: 'zadd', key: keys.index(name), score, member }),
  unindex: (name: string, member: string): ReadModelOp => ({ op: 'zrem', key: keys.index(name), member }),
  dropIndex: (name: string): ReadModelOp => ({ op: 'del', key: keys.index(name) }),
  putField: (kind: string, id: string, field: string, value: object): ReadModelOp => ({
    op: 'hset',
    key: keys.hash(kind, id),
    field,
    value: JSON.stringify(value),
  }),
  dropHash: (kind: string, id: string): ReadModelOp => ({ op: 'del', key: keys.hash(kind, id) }),
  link: (kind: string, value: string, id: string): ReadModelOp => ({ op: 'set', key: keys.lookup(kind, value), value: id }),
  unlink: (kind: string, value: string): ReadModelOp => ({ op: 'del', key: keys.lookup(kind, value) }),
  /** Forgets the revision applied of a stream that will have no more events (the guard would report one as a gap). */
  forgetStream: (stream: string): ReadModelOp => ({ op: 'del', key: keys.streamRevision(stream) }),
});
