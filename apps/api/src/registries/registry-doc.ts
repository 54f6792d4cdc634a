import type { RegistryEvent, RegistryState } from '@libs/domain';
import { CommandOutcome, streamName } from '@libs/eventstore';
import type { RegistryDoc } from '@libs/read-model';
import type { ReadModels } from '../platform/read-models';

/**
 * The registry as a command left it: the read model's document once it reflects the command, otherwise
 * built from the decider's state (read-your-writes waits only so long; see docs/architecture.md).
 */
export async function registryAfter(
  readModels: ReadModels,
  id: string,
  outcome: CommandOutcome<RegistryState, RegistryEvent>,
  now: Date,
): Promise<RegistryDoc> {
  const state = outcome.state;
  if (state.status !== 'active') throw new Error(`registry ${id} is not active after the command`);
  const { doc, revision } = await readModels.reader.docAt<RegistryDoc>(
    'registry',
    id,
    streamName('registry', id),
  );
  if (doc && revision !== undefined && outcome.revision !== undefined && revision >= outcome.revision)
    return doc;
  const { status: _status, ...registry } = state;
  return { id, ...registry, created_at: now.toISOString(), updated_at: now.toISOString() };
}
