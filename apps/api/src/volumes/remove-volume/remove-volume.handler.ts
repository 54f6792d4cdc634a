import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { volumeDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { crossIndexes } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { volumeGrid } from '../volume-grid';

export class RemoveVolumeCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly name: string,
  ) {
    super();
  }
}

/** DELETE /v1/volumes/:grid/:name: refused while services mount it (kontena-behaviour.md §2 Volumes). */
@CommandHandler(RemoveVolumeCommand)
export class RemoveVolumeHandler implements ICommandHandler<RemoveVolumeCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, name }: RemoveVolumeCommand): Promise<void> {
    await volumeGrid(this.access, ctx.user, grid);
    const services = await this.readModels.reader.ids(crossIndexes.volumeServices(grid, name));
    await this.executor.execute(ctx, streamName('volume', `${grid}/${name}`), volumeDecider, {
      type: 'RemoveVolume',
      data: { name, services, reason: 'deleted' },
    });
  }
}
