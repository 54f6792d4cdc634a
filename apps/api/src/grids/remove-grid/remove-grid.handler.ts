import { Inject, Optional, Provider, Type } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { gridDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { gridIndexes } from '@libs/read-model';
import { Vault } from '@libs/vault';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';

/**
 * What else goes with a grid: Kontena destroys a grid's secrets, registries, volumes, … with it
 * (`has_many …, dependent:`). Features that own grid-scoped resources provide a step; each must be
 * idempotent, because a failed removal is retried as a whole.
 */
export interface GridRemovalStep {
  removeAll(ctx: RequestContext, grid: string): Promise<void>;
}
export const GRID_REMOVAL_STEPS = Symbol('GRID_REMOVAL_STEPS');

/**
 * Providers that add `step` to the steps `RemoveGridHandler` runs. Nest has no multi-providers, so
 * `GridsModule` provides one list and each registration adds its step to it at start-up; a feature
 * module imports `GridsModule` and lists `...gridRemovalStep(RemoveGridSecrets)` among its providers.
 */
export function gridRemovalStep(step: Type<GridRemovalStep>): Provider[] {
  return [
    step,
    {
      provide: Symbol(`grid removal step: ${step.name}`),
      useFactory: (steps: GridRemovalStep[], instance: GridRemovalStep) => steps.push(instance),
      inject: [GRID_REMOVAL_STEPS, step],
    },
  ];
}

export class RemoveGridCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
  ) {
    super();
  }
}

/** DELETE /v1/grids/:grid: master_admin; refused while nodes or services remain (kontena-behaviour.md §2). */
@CommandHandler(RemoveGridCommand)
export class RemoveGridHandler implements ICommandHandler<RemoveGridCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
    private readonly vault: Vault,
    @Optional() @Inject(GRID_REMOVAL_STEPS) private readonly steps: GridRemovalStep[] = [],
  ) {}

  async execute({ ctx, grid }: RemoveGridCommand): Promise<void> {
    const doc = await this.access.member(ctx.user, grid);
    const reader = this.readModels.reader;
    const [nodes, services] = await Promise.all([reader.count(gridIndexes.nodes(grid)), reader.count(gridIndexes.services(grid))]);
    const data = { hasNodes: nodes > 0, hasServices: services > 0 };
    // Dependents go only when the grid itself can (the decider refuses while nodes or services remain).
    if (!data.hasNodes && !data.hasServices) {
      for (const step of this.steps) await step.removeAll(ctx, grid);
    }
    await this.executor.execute(ctx, streamName('grid', grid), gridDecider, { type: 'RemoveGrid', data }, { pinToIfMatch: true });
    // Crypto-shredding: the grid's secrets, tokens and registry passwords stay in the log, unreadable.
    this.vault.destroyDataKey(doc.data_key_id);
  }
}
