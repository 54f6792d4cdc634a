import { Injectable } from '@nestjs/common';
import { registryDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { gridIndexes } from '@libs/read-model';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import type { GridRemovalStep } from '../../grids/remove-grid/remove-grid.handler';

/**
 * A grid's registries go with it; their sealed passwords become unreadable once the grid's data key is
 * destroyed (DESIGN.md §7). Idempotent: a registry already removed appends nothing.
 */
@Injectable()
export class RemoveGridRegistries implements GridRemovalStep {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async removeAll(ctx: RequestContext, grid: string): Promise<void> {
    const ids = await this.readModels.reader.ids(gridIndexes.registries(grid));
    await Promise.all(
      ids.map((id) =>
        this.executor.execute(ctx, streamName('registry', id), registryDecider, {
          type: 'RemoveRegistry',
          data: { reason: 'grid_removed' },
        }),
      ),
    );
  }
}
