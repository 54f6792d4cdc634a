import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { registryDecider, registryName } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { RegistryDoc } from '@libs/read-model';
import { Vault } from '@libs/vault';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { registryAfter } from '../registry-doc';
import { registryPasswordPurpose } from '../registry.view';
import type { CreateRegistryDto } from './create-registry.dto';

export class CreateRegistryCommand extends Command<RegistryDoc> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly input: CreateRegistryDto,
  ) {
    super();
  }
}

/** Any grid member may add a registry (kontena-behaviour.md §1); the password is sealed first. */
@CommandHandler(CreateRegistryCommand)
export class CreateRegistryHandler implements ICommandHandler<CreateRegistryCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
    private readonly vault: Vault,
  ) {}

  async execute({ ctx, grid, input }: CreateRegistryCommand): Promise<RegistryDoc> {
    const { data_key_id } = await this.access.member(ctx.user, grid);
    const name = registryName(input.url)!; // the DTO refused URLs without one
    const id = `${grid}/${name}`;
    const outcome = await this.executor.execute(ctx, streamName('registry', id), registryDecider, {
      type: 'CreateRegistry',
      data: {
        grid,
        name,
        url: input.url,
        username: input.username,
        password: this.vault.seal(data_key_id, input.password, registryPasswordPurpose(grid, name)),
        email: input.email ?? null,
      },
    });
    return registryAfter(this.readModels, id, outcome, ctx.now);
  }
}
