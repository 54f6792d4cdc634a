import type { SecretEvent, SecretState } from '@libs/domain';
import { CommandOutcome, streamName } from '@libs/eventstore';
import type { SecretDoc } from '@libs/read-model';
import type { ReadModels } from '../platform/read-models';

/**
 * The secret as a command left it: the read model's document once it reflects the command, otherwise
 * the same document built from the decider's state (read-your-writes waits only so long; see
 * docs/architecture.md). Times the state does not know are the command's.
 */
export async function secretAfter(
  readModels: ReadModels,
  id: string,
  outcome: CommandOutcome<SecretState, SecretEvent>,
  now: Date,
): Promise<SecretDoc> {
  const state = outcome.state;
  if (state.status !== 'active') throw new Error(`secret ${id} is not active after the command`);
  const { doc, revision } = await readModels.reader.docAt<SecretDoc>('secret', id, streamName('secret', id));
  if (doc && revision !== undefined && outcome.revision !== undefined && revision >= outcome.revision)
    return doc;
  const written = outcome.events.some((event) => event.type !== 'SecretRead');
  const at = now.toISOString();
  return {
    id,
    grid: state.grid,
    name: state.name,
    value: state.value,
    created_at: doc?.created_at ?? at,
    updated_at: written || !doc ? at : doc.updated_at,
  };
}
