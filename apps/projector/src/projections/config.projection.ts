import { ConfigEvent, MASTER_CONFIG_ID } from '@libs/domain';
import { streamName, type RecordedEnvelope } from '@libs/eventstore';
import { ConfigDoc, Projection, ReadModelOp, ReadModelReader } from '@libs/read-model';
import { occurredAt, ops } from './projection-helpers';

const CONFIG_STREAM = streamName('config', MASTER_CONFIG_ID);

/** Config keys are client input: `__proto__` must become a key like any other, not a prototype. */
function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The master's configuration as one document; `_secret` values stay sealed. */
export const configProjection: Projection = {
  name: 'config',
  async project(envelope: RecordedEnvelope, reader: ReadModelReader): Promise<ReadModelOp[]> {
    if (envelope.streamName !== CONFIG_STREAM) return [];
    const event = envelope.event as ConfigEvent;
    const current = (await reader.doc<ConfigDoc>('config', MASTER_CONFIG_ID)) ?? { values: {}, sealed: {}, updated_at: '' };
    const values = { ...current.values };
    const sealed = { ...current.sealed };

    switch (event.type) {
      case 'ConfigValueSet': {
        const { key } = event.data;
        delete values[key];
        delete sealed[key];
        if ('sealed' in event.data) define(sealed, key, event.data.sealed);
        else define(values, key, event.data.value);
        break;
      }
      case 'ConfigValueRemoved':
        delete values[event.data.key];
        delete sealed[event.data.key];
        break;
      case 'ConfigCleared':
        return [ops(reader.keys).putDoc('config', MASTER_CONFIG_ID, { values: {}, sealed: {}, updated_at: occurredAt(envelope) } satisfies ConfigDoc)];
      default:
        return [];
    }
    return [ops(reader.keys).putDoc('config', MASTER_CONFIG_ID, { values, sealed, updated_at: occurredAt(envelope) } satisfies ConfigDoc)];
  },
};
