import type { RecordedEnvelope } from '@libs/eventstore';
import type { ReadModelOp } from './ops';
import type { ReadModelReader } from './read-model-reader';

/**
 * A projection turns one event into read-model ops. It may read the current read models (through the
 * reader, same generation), but never the clock: times come from the event, so a rebuild is
 * byte-identical (DESIGN.md §4).
 */
export interface Projection {
  readonly name: string;
  project(
    envelope: RecordedEnvelope,
    reader: ReadModelReader,
  ): Promise<readonly ReadModelOp[]> | readonly ReadModelOp[];
}
