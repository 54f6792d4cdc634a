import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { volumeDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { VolumeDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { volumeAfter } from '../volume-doc';
import { volumeGrid } from '../volume-grid';
import type { CreateVolumeDto } from './create-volume.dto';

export class CreateVolumeCommand extends Command<VolumeDoc> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly input: CreateVolumeDto,
  ) {
    super();
  }
}

/** Any grid member may create volumes (kontena-behaviour.md §1). */
@CommandHandler(CreateVolumeCommand)
export class CreateVolumeHandler implements ICommandHandler<CreateVolumeCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, input }: CreateVolumeCommand): Promise<VolumeDoc> {
    await volumeGrid(this.access, ctx.user, grid);
    const id = `${grid}/${input.name}`;
    const outcome = await this.executor.execute(ctx, streamName('volume', id), volumeDecider, {
      type: 'CreateVolume',
      data: {
        grid,
        name: input.name,
        scope: input.scope,
        driver: input.driver,
        driver_opts: input.driver_opts ?? {},
      },
    });
    return volumeAfter(this.readModels, id, outcome, ctx.now);
  }
}
