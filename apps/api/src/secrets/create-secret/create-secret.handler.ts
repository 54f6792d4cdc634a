import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { secretDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { SecretDoc } from '@libs/read-model';
import { Vault } from '@libs/vault';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { secretAfter } from '../secret-doc';
import { secretPurpose } from '../secret.view';
import type { CreateSecretDto } from './create-secret.dto';

export class CreateSecretCommand extends Command<SecretDoc> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly input: CreateSecretDto,
  ) {
    super();
  }
}

/** Any grid member may write secrets (kontena-behaviour.md §1); the value is sealed before the command is built. */
@CommandHandler(CreateSecretCommand)
export class CreateSecretHandler implements ICommandHandler<CreateSecretCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
    private readonly vault: Vault,
  ) {}

  async execute({ ctx, grid, input }: CreateSecretCommand): Promise<SecretDoc> {
    const { data_key_id } = await this.access.member(ctx.user, grid);
    const { name } = input;
    const value = this.vault.seal(data_key_id, input.value, secretPurpose(grid, name));
    const outcome = await this.executor.execute(ctx, streamName('secret', `${grid}/${name}`), secretDecider, {
      type: 'CreateSecret',
      data: { grid, name, value },
    });
    return secretAfter(this.readModels, `${grid}/${name}`, outcome, ctx.now);
  }
}
