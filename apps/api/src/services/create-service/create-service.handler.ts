import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NULL_STACK, serviceDecider, serviceId, ValidationFailed } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { GridDoc, ServiceDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { ServiceReferences } from '../service-definition/service-references';
import { serviceAfter } from '../service-doc';
import type { CreateServiceDto } from './create-service.dto';

export class CreateServiceCommand extends Command<{ grid: GridDoc; service: ServiceDoc }> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly input: CreateServiceDto,
  ) {
    super();
  }
}

/** POST /v1/grids/:grid/services: any grid user; the service lands in the `null` stack, `initialized`. */
@CommandHandler(CreateServiceCommand)
export class CreateServiceHandler implements ICommandHandler<CreateServiceCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly references: ServiceReferences,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, input }: CreateServiceCommand): Promise<{ grid: GridDoc; service: ServiceDoc }> {
    const gridDoc = await this.access.member(ctx.user, grid);
    const errors = await this.references.errors(grid, NULL_STACK, input);
    if (errors) throw new DomainException(new ValidationFailed(errors));
    const id = serviceId(grid, NULL_STACK, input.name);
    const outcome = await this.executor.execute(ctx, streamName('service', id), serviceDecider, {
      type: 'CreateService',
      data: { grid, stack: NULL_STACK, name: input.name, definition: input.definition(NULL_STACK) },
    });
    return { grid: gridDoc, service: await serviceAfter(this.readModels, id, outcome, ctx.now) };
  }
}
