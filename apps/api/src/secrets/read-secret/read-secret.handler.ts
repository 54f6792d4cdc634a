import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { secretDecider, SecretState } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { SecretDoc } from '@libs/read-model';
import { Vault } from '@libs/vault';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { secretAfter } from '../secret-doc';
import { secretPurpose } from '../secret.view';

export class ReadSecretCommand extends Command<{ doc: SecretDoc; value: string }> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly name: string,
  ) {
    super();
  }
}

/**
 * GET /v1/secrets/:grid/:name is a command, not a query: revealing a value is recorded in the secret's
 * stream (`SecretRead`, with who read it in the metadata) before the value is opened, as Kontena wrote
 * a `show` audit entry (kontena-behaviour.md §9).
 */
@CommandHandler(ReadSecretCommand)
export class ReadSecretHandler implements ICommandHandler<ReadSecretCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
    private readonly vault: Vault,
  ) {}

  async execute({ ctx, grid, name }: ReadSecretCommand) {
    await this.access.member(ctx.user, grid);
    const id = `${grid}/${name}`;
    const outcome = await this.executor.execute(ctx, streamName('secret', id), secretDecider, {
      type: 'ReadSecret',
      data: {},
    });
    const doc = await secretAfter(this.readModels, id, outcome, ctx.now);
    // Opened from the stream just read (not the document), so the answer is the value the audited read saw.
    const state = outcome.state as Extract<SecretState, { status: 'active' }>;
    return { doc, value: this.vault.open(state.value, secretPurpose(grid, name)) };
  }
}
