import type { VolumeEvent, VolumeState } from '@libs/domain';
import { CommandOutcome, streamName } from '@libs/eventstore';
import type { VolumeDoc } from '@libs/read-model';
import type { ReadModels } from '../platform/read-models';

/**
 * The volume as a command left it: the read model's document once it reflects the command, otherwise
 * built from the decider's state (read-your-writes waits only so long; see docs/architecture.md).
 */
export async function volumeAfter(
  readModels: ReadModels,
  id: string,
  outcome: CommandOutcome<VolumeState, VolumeEvent>,
  now: Date,
): Promise<VolumeDoc> {
  const state = outcome.state;
  if (state.status !== 'active') throw new Error(`volume ${id} is not active after the command`);
  const { doc, revision } = await readModels.reader.docAt<VolumeDoc>('volume', id, streamName('volume', id));
  if (doc && revision !== undefined && outcome.revision !== undefined && revision >= outcome.revision)
    return doc;
  const { status: _status, ...volume } = state;
  return { id, ...volume, created_at: now.toISOString(), updated_at: now.toISOString() };
}
