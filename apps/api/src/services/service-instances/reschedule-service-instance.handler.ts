import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { serviceDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { ServiceInstanceDoc } from '@libs/read-model';
import { HttpProblem } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { ServiceLookup } from '../service-lookup';

export class RescheduleServiceInstanceCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly stack: string,
    readonly name: string,
    readonly instance: string,
  ) {
    super();
  }
}

/**
 * DELETE …/instances/:id: Kontena unsets the instance's node so the scheduler places it again; here that is
 * a request the reconciler acts on. 404 with an empty body for an unknown instance.
 */
@CommandHandler(RescheduleServiceInstanceCommand)
export class RescheduleServiceInstanceHandler implements ICommandHandler<RescheduleServiceInstanceCommand> {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, stack, name, instance }: RescheduleServiceInstanceCommand): Promise<void> {
    const { service } = await this.lookup.find(ctx.user, grid, stack, name);
    const doc = await this.readModels.reader.doc<ServiceInstanceDoc>('instance', `${service.id}/${instance}`);
    if (!doc) throw new HttpProblem(404, undefined);
    await this.executor.execute(ctx, streamName('service', service.id), serviceDecider, {
      type: 'RescheduleServiceInstance',
      data: { instance_number: doc.instance_number },
    });
  }
}
