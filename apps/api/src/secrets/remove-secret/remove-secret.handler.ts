import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { secretDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';

export class RemoveSecretCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly name: string,
  ) {
    super();
  }
}

/**
 * DELETE /v1/secrets/:grid/:name. As in Kontena, services still using the secret do not stop the removal
 * (kontena-behaviour.md §9); their instances lose the value on the next deploy.
 */
@CommandHandler(RemoveSecretCommand)
export class RemoveSecretHandler implements ICommandHandler<RemoveSecretCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
  ) {}

  async execute({ ctx, grid, name }: RemoveSecretCommand): Promise<void> {
    await this.access.member(ctx.user, grid);
    await this.executor.execute(ctx, streamName('secret', `${grid}/${name}`), secretDecider, {
      type: 'RemoveSecret',
      data: { reason: 'deleted' },
    });
  }
}
