import { Injectable } from '@nestjs/common';
import { volumeDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { gridIndexes } from '@libs/read-model';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import type { GridRemovalStep } from '../../grids/remove-grid/remove-grid.handler';

/**
 * A grid's volumes go with it (Kontena: `has_many :volumes, dependent: :destroy`). The grid is only
 * removed once it has no services, so no service can still mount them. Idempotent.
 */
@Injectable()
export class RemoveGridVolumes implements GridRemovalStep {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async removeAll(ctx: RequestContext, grid: string): Promise<void> {
    const ids = await this.readModels.reader.ids(gridIndexes.volumes(grid));
    await Promise.all(
      ids.map((id) =>
        this.executor.execute(ctx, streamName('volume', id), volumeDecider, {
          type: 'RemoveVolume',
          data: { name: id.slice(grid.length + 1), services: [], reason: 'grid_removed' },
        }),
      ),
    );
  }
}
