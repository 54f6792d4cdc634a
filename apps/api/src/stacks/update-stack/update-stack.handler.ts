import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ErrorHash, nullStackRefusal, serviceName, stackDecider, ValidationFailed } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { GridDoc, StackDoc } from '@libs/read-model';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { stackVolumes } from '../stack-definition/stack-definition.dto';
import { StackFileCheck } from '../stack-definition/stack-file-check';
import { StackServices } from '../stack-definition/stack-services';
import { stackAfter } from '../stack-doc';
import { StackLookup } from '../stack-lookup';
import type { UpdateStackDto } from './update-stack.dto';

export class UpdateStackCommand extends Command<{ grid: GridDoc; stack: StackDoc }> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly name: string,
    readonly input: UpdateStackDto,
  ) {
    super();
  }
}

/**
 * PUT /v1/stacks/:grid/:stack (`Stacks::Update`): a new revision only when the stack file changed; services
 * new to the stack are created at once, while existing ones change and dropped ones go only at the next
 * deploy (kontena-behaviour.md §2). The checks are those the deploy will apply. Honours If-Match.
 */
@CommandHandler(UpdateStackCommand)
export class UpdateStackHandler implements ICommandHandler<UpdateStackCommand> {
  constructor(
    private readonly lookup: StackLookup,
    private readonly check: StackFileCheck,
    private readonly services: StackServices,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, name, input }: UpdateStackCommand): Promise<{ grid: GridDoc; stack: StackDoc }> {
    const { grid: gridDoc, stack } = await this.lookup.findOwn(
      ctx.user,
      grid,
      name,
      () => new DomainException(nullStackRefusal('update')),
    );
    const empty = this.check.noServices(input.services);
    if (empty) throw new DomainException(new ValidationFailed(empty));

    const current = await this.services.current(grid, name);
    const planned = await this.services.plan(
      grid,
      name,
      input.services,
      stackVolumes(input.volumes ?? []),
      current,
    );
    const dropped = current.filter((doc) => !input.services.some((s) => serviceName(s) === doc.name));
    const serviceErrors: ErrorHash = {
      ...('errors' in planned ? planned.errors : {}),
      ...(await this.services.removalErrors(dropped)),
    };
    const errors: ErrorHash = {
      ...(await this.check.volumeErrors(grid, input.volumes ?? [])),
      ...(Object.keys(serviceErrors).length ? { services: serviceErrors } : {}),
    };
    if (Object.keys(errors).length || 'errors' in planned)
      throw new DomainException(new ValidationFailed(errors));

    const outcome = await this.executor.execute(
      ctx,
      streamName('stack', stack.id),
      stackDecider,
      {
        type: 'UpdateStack',
        data: {
          ...(input.labels !== undefined ? { labels: input.labels } : {}),
          revision: input.revision(planned.order),
        },
      },
      { pinToIfMatch: true },
    );
    // Creating every missing service (not only after a new revision) also completes an interrupted create.
    await this.services.apply(
      ctx,
      grid,
      name,
      planned.plans.filter((p) => p.kind === 'create'),
    );
    return { grid: gridDoc, stack: await stackAfter(this.readModels, stack.id, outcome, ctx.now) };
  }
}
