import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFound, secretDecider, SecretState } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { crossIndexes, InstancePodDoc, NodeDoc } from '@libs/read-model';
import { Vault } from '@libs/vault';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { secretPurpose } from '../../secrets/secret.view';
import { AgentRequestContext } from '../agent-request-context';

export interface InstanceSecret {
  name: string;
  /** Null when the secret does not exist (Kontena's pods then got `value: null`, §9). */
  value: string | null;
}

export class ReadInstanceSecretsCommand extends Command<InstanceSecret[]> {
  constructor(
    readonly ctx: RequestContext,
    readonly node: NodeDoc,
    readonly instanceId: string,
  ) {
    super();
  }
}

/**
 * The secret values one instance reads, for the agent of the node it is placed on, at the moment it starts
 * it (DESIGN.md §6: job data never carries them). Only the secrets the instance's pod refers to, only for an
 * instance placed on the asking node; each read is recorded in the secret's stream (`SecretRead`, the node as
 * the actor) before the value is opened, like a user's read (kontena-behaviour.md §9).
 */
@CommandHandler(ReadInstanceSecretsCommand)
export class ReadInstanceSecretsHandler implements ICommandHandler<ReadInstanceSecretsCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
    private readonly vault: Vault,
  ) {}

  async execute({ ctx, node, instanceId }: ReadInstanceSecretsCommand): Promise<InstanceSecret[]> {
    const reader = this.readModels.reader;
    const placedHere = await reader.has(crossIndexes.nodeInstances(node.id), instanceId);
    const pod = placedHere ? await reader.doc<InstancePodDoc>('pod', instanceId) : undefined;
    if (!pod) throw new DomainException(new NotFound());
    const grid = node.grid.name;
    const agentCtx = new AgentRequestContext(ctx, { nodeId: node.node_id ?? node.id, grid });
    const refs = (pod.pod.secrets ?? []) as { secret: string }[];
    const names = [...new Set(refs.map((ref) => ref.secret))];
    const secrets: InstanceSecret[] = [];
    for (const name of names) {
      const outcome = await this.executor
        .execute(agentCtx, streamName('secret', `${grid}/${name}`), secretDecider, {
          type: 'ReadSecret',
          data: {},
        })
        .catch((error: unknown) => {
          if (error instanceof DomainException && error.error instanceof NotFound) return null;
          throw error;
        });
      const state = outcome?.state as Extract<SecretState, { status: 'active' }> | undefined;
      secrets.push({ name, value: state ? this.vault.open(state.value, secretPurpose(grid, name)) : null });
    }
    return secrets;
  }
}
