import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nullStackRefusal, serviceDecider, stackDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { crossIndexes, ServiceDoc } from '@libs/read-model';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { StackServices } from '../stack-definition/stack-services';
import { StackLookup } from '../stack-lookup';

export class RemoveStackCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly name: string,
  ) {
    super();
  }
}

/**
 * DELETE /v1/stacks/:grid/:stack (`Stacks::Delete` + `StackRemoveWorker`): refused while services of other
 * stacks link into it. The removal is requested on the stack first, then its services are stopped and
 * removed (dependents first), then the stack goes. A crash part way leaves the stack `removing`; asking
 * again finishes the job (every step is skipped once done).
 */
@CommandHandler(RemoveStackCommand)
export class RemoveStackHandler implements ICommandHandler<RemoveStackCommand> {
  constructor(
    private readonly lookup: StackLookup,
    private readonly services: StackServices,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, name }: RemoveStackCommand): Promise<void> {
    const { stack } = await this.lookup.findOwn(
      ctx.user,
      grid,
      name,
      () => new DomainException(nullStackRefusal('delete')),
    );
    const services = await this.services.current(grid, name);
    const stream = streamName('stack', stack.id);
    await this.executor.execute(ctx, stream, stackDecider, {
      type: 'RemoveStack',
      data: { linked_from_other_stacks: await this.linkedFromOtherStacks(name, services) },
    });
    for (const service of services) {
      await this.executor.execute(ctx, streamName('service', service.id), serviceDecider, {
        type: 'StopService',
        data: {},
      });
    }
    await this.services.remove(ctx, name, services);
    await this.executor.execute(ctx, stream, stackDecider, { type: 'FinishStackRemoval', data: {} });
  }

  private async linkedFromOtherStacks(stack: string, services: readonly ServiceDoc[]): Promise<string[]> {
    const reader = this.readModels.reader;
    const linkers = await Promise.all(
      services.map(async (s) =>
        reader.docs<ServiceDoc>('service', await reader.ids(crossIndexes.serviceLinkedFrom(s.id))),
      ),
    );
    return [
      ...new Set(
        linkers
          .flat()
          .filter((s) => s.stack !== stack)
          .map((s) => `${s.stack}/${s.name}`),
      ),
    ];
  }
}
