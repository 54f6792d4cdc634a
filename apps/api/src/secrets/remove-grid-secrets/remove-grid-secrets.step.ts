import { Injectable } from '@nestjs/common';
import { secretDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { gridIndexes } from '@libs/read-model';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import type { GridRemovalStep } from '../../grids/remove-grid/remove-grid.handler';

/**
 * A grid's secrets go with it (Kontena: `has_many :grid_secrets, dependent: :delete`). Their events stay,
 * sealed with the grid's data key, which the grid removal then destroys: crypto-shredding (DESIGN.md §7).
 * Idempotent: a secret already removed appends nothing.
 */
@Injectable()
export class RemoveGridSecrets implements GridRemovalStep {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async removeAll(ctx: RequestContext, grid: string): Promise<void> {
    const ids = await this.readModels.reader.ids(gridIndexes.secrets(grid));
    await Promise.all(
      ids.map((id) =>
        this.executor.execute(ctx, streamName('secret', id), secretDecider, {
          type: 'RemoveSecret',
          data: { reason: 'grid_removed' },
        }),
      ),
    );
  }
}
