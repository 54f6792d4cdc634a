import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { serviceDecider, stackDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { onServiceStreams, StackServices } from '../stack-definition/stack-services';
import { StackLookup } from '../stack-lookup';

export type StackLifecycleAction = 'stop' | 'restart';

export class ChangeStackLifecycleCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly name: string,
    readonly action: StackLifecycleAction,
  ) {
    super();
  }
}

/**
 * POST /v1/stacks/:grid/:stack/stop and …/restart: every service of the stack (`Stacks::Stop/Restart`,
 * which Kontena also ran for the `null` stack). The request is recorded on the stack first; stopping is
 * safe to repeat, so a retry after a crash finishes the job.
 */
@CommandHandler(ChangeStackLifecycleCommand)
export class ChangeStackLifecycleHandler implements ICommandHandler<ChangeStackLifecycleCommand> {
  constructor(
    private readonly lookup: StackLookup,
    private readonly services: StackServices,
    private readonly executor: CommandExecutor,
  ) {}

  async execute({ ctx, grid, name, action }: ChangeStackLifecycleCommand): Promise<void> {
    const { stack } = await this.lookup.find(ctx.user, grid, name);
    if (stack) {
      await this.executor.execute(ctx, streamName('stack', stack.id), stackDecider, {
        type: action === 'stop' ? 'StopStack' : 'RestartStack',
        data: {},
      });
    }
    const services = await this.services.current(grid, name);
    await onServiceStreams(ctx, async () => {
      for (const service of services) {
        await this.executor.execute(ctx, streamName('service', service.id), serviceDecider, {
          type: action === 'stop' ? 'StopService' : 'RestartService',
          data: {},
        });
      }
    });
  }
}
