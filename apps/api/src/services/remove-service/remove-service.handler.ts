import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { serviceDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { crossIndexes, ServiceDoc } from '@libs/read-model';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { ServiceLookup } from '../service-lookup';

export class RemoveServiceCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly stack: string,
    readonly name: string,
  ) {
    super();
  }
}

/**
 * DELETE /v1/services/:grid/:stack/:service: refused while other services link to it (kontena-behaviour.md
 * §2); the reconciler then stops its instances.
 */
@CommandHandler(RemoveServiceCommand)
export class RemoveServiceHandler implements ICommandHandler<RemoveServiceCommand> {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, stack, name }: RemoveServiceCommand): Promise<void> {
    const { service } = await this.lookup.find(ctx.user, grid, stack, name);
    const reader = this.readModels.reader;
    const linkers = await reader.docs<ServiceDoc>(
      'service',
      await reader.ids(crossIndexes.serviceLinkedFrom(service.id)),
    );
    await this.executor.execute(ctx, streamName('service', service.id), serviceDecider, {
      type: 'RemoveService',
      data: { linked_from: linkers.map((s) => s.name) },
    });
  }
}
