import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { serviceDecider, ValidationFailed } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { GridDoc, ServiceDoc } from '@libs/read-model';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { ServiceReferences } from '../service-definition/service-references';
import { serviceAfter } from '../service-doc';
import { ServiceLookup } from '../service-lookup';
import type { UpdateServiceDto } from './update-service.dto';

export class UpdateServiceCommand extends Command<{ grid: GridDoc; service: ServiceDoc }> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly stack: string,
    readonly name: string,
    readonly input: UpdateServiceDto,
  ) {
    super();
  }
}

/**
 * PUT /v1/services/:grid/:stack/:service: only the given attributes change, the revision moves when
 * something did (or `force`); honours If-Match (kontena-behaviour.md §2 Service update).
 */
@CommandHandler(UpdateServiceCommand)
export class UpdateServiceHandler implements ICommandHandler<UpdateServiceCommand> {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly references: ServiceReferences,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({
    ctx,
    grid,
    stack,
    name,
    input,
  }: UpdateServiceCommand): Promise<{ grid: GridDoc; service: ServiceDoc }> {
    const { grid: gridDoc, service } = await this.lookup.find(ctx.user, grid, stack, name);
    const errors = await this.references.errors(grid, stack, input);
    if (errors) throw new DomainException(new ValidationFailed(errors));
    const changes = input.changes(stack, await this.references.volumeResolver(grid, stack));
    const outcome = await this.executor.execute(
      ctx,
      streamName('service', service.id),
      serviceDecider,
      { type: 'UpdateService', data: { changes, force: input.force ?? false } },
      { pinToIfMatch: true },
    );
    return { grid: gridDoc, service: await serviceAfter(this.readModels, service.id, outcome, ctx.now) };
  }
}
