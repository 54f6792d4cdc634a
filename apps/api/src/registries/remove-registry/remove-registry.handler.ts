import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { registryDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';

export class RemoveRegistryCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly name: string,
  ) {
    super();
  }
}

/** DELETE /v1/external_registries/:grid/:name: any grid member (kontena-behaviour.md §1). */
@CommandHandler(RemoveRegistryCommand)
export class RemoveRegistryHandler implements ICommandHandler<RemoveRegistryCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
  ) {}

  async execute({ ctx, grid, name }: RemoveRegistryCommand): Promise<void> {
    await this.access.member(ctx.user, grid);
    await this.executor.execute(ctx, streamName('registry', `${grid}/${name}`), registryDecider, {
      type: 'RemoveRegistry',
      data: { reason: 'deleted' },
    });
  }
}
