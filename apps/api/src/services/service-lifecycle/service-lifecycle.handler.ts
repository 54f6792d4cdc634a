import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { serviceDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ServiceLookup } from '../service-lookup';

export type LifecycleAction = 'start' | 'stop' | 'restart';

const COMMANDS = { start: 'StartService', stop: 'StopService', restart: 'RestartService' } as const;

export class ChangeServiceLifecycleCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly stack: string,
    readonly name: string,
    readonly action: LifecycleAction,
  ) {
    super();
  }
}

/**
 * POST …/start, …/stop, …/restart: the desired state (`running` / `stopped`) or a restart request; the
 * reconciler tells the nodes (kontena-behaviour.md §5: no deploy record for these).
 */
@CommandHandler(ChangeServiceLifecycleCommand)
export class ChangeServiceLifecycleHandler implements ICommandHandler<ChangeServiceLifecycleCommand> {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly executor: CommandExecutor,
  ) {}

  async execute({ ctx, grid, stack, name, action }: ChangeServiceLifecycleCommand): Promise<void> {
    const { service } = await this.lookup.find(ctx.user, grid, stack, name);
    await this.executor.execute(ctx, streamName('service', service.id), serviceDecider, {
      type: COMMANDS[action],
      data: {},
    });
  }
}
