import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { gridDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { GridDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { gridAfter } from '../grid-doc';
import type { GridSettingsDto } from '../grid-settings.dto';

export class UpdateGridCommand extends Command<GridDoc> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly input: GridSettingsDto,
  ) {
    super();
  }
}

/** PUT /v1/grids/:grid: only the given settings change; grid_admin of the grid (kontena-behaviour.md §2). */
@CommandHandler(UpdateGridCommand)
export class UpdateGridHandler implements ICommandHandler<UpdateGridCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, input }: UpdateGridCommand): Promise<GridDoc> {
    await this.access.admin(ctx.user, grid);
    const outcome = await this.executor.execute(ctx, streamName('grid', grid), gridDecider, { type: 'UpdateGrid', data: input.settings() }, { pinToIfMatch: true });
    return gridAfter(this.readModels, grid, outcome, ctx.now);
  }
}
