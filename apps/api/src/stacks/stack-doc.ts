import type { StackDeployRequested, StackEvent, StackState } from '@libs/domain';
import { CommandOutcome, streamName } from '@libs/eventstore';
import type { StackDeployDoc, StackDoc } from '@libs/read-model';
import type { ReadModels } from '../platform/read-models';

/**
 * The stack as a command left it: the read model's document, or, while that lags behind the command
 * (docs/architecture.md), one built from the decider's state.
 */
export async function stackAfter(
  readModels: ReadModels,
  id: string,
  outcome: CommandOutcome<StackState, StackEvent>,
  now: Date,
): Promise<StackDoc> {
  const reader = readModels.reader;
  const { doc, revision } = await reader.docAt<StackDoc>('stack', id, streamName('stack', id));
  if (doc && revision !== undefined && outcome.revision !== undefined && revision >= outcome.revision)
    return doc;
  const state = outcome.state;
  if (state.status !== 'active' && state.status !== 'removing')
    throw new Error(`stack ${id} does not exist after the command`);
  const { status, ...stack } = state;
  const at = now.toISOString();
  const newRevision = outcome.events.some(
    (e) => e.type === 'StackCreated' || e.type === 'StackRevisionCreated',
  );
  return {
    ...stack,
    id,
    removing: status === 'removing',
    created_at: doc?.created_at ?? at,
    updated_at: newRevision ? at : (doc?.updated_at ?? at),
  };
}

/** The stack deploy a command recorded, from the read model or, while that lags, from the event. */
export async function stackDeployAfter(
  readModels: ReadModels,
  stackId: string,
  outcome: CommandOutcome<StackState, StackEvent>,
  now: Date,
): Promise<StackDeployDoc> {
  const requested = outcome.events.find((e): e is StackDeployRequested => e.type === 'StackDeployRequested');
  if (!requested) throw new Error(`no deploy was recorded for stack ${stackId}`);
  const doc = await readModels.reader.doc<StackDeployDoc>('stackdeploy', requested.data.stack_deploy_id);
  if (doc) return doc;
  return {
    id: requested.data.stack_deploy_id,
    stack_id: stackId,
    created_at: now.toISOString(),
    started_at: null,
    finished_at: null,
    state: 'created',
    reason: null,
    service_deploys: requested.data.service_deploys.map((d) => d.deploy_id),
  };
}
