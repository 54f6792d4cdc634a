import type { GridEvent, GridState } from '@libs/domain';
import { CommandOutcome, streamName } from '@libs/eventstore';
import type { GridDoc } from '@libs/read-model';
import type { ReadModels } from '../platform/read-models';

/**
 * The grid as a command left it. Read-your-writes waits for the projector only for a bounded time, so
 * when the read model still lags, the same document is built from the decider's state instead of
 * answering with a stale or missing one.
 */
export async function gridAfter(
  readModels: ReadModels,
  name: string,
  outcome: CommandOutcome<GridState, GridEvent>,
  now: Date,
): Promise<GridDoc> {
  const { doc, revision } = await readModels.reader.docAt<GridDoc>('grid', name, streamName('grid', name));
  const state = outcome.state;
  if (state.status !== 'active') throw new Error(`grid ${name} is not active after the command`);
  if (doc && revision !== undefined && outcome.revision !== undefined && revision >= outcome.revision)
    return doc;
  const { status: _status, ...grid } = state;
  return {
    ...grid,
    id: name,
    users: [...state.users],
    created_at: doc?.created_at ?? now.toISOString(),
    updated_at: now.toISOString(),
  };
}
