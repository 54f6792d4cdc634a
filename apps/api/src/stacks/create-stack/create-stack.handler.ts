import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ErrorHash, NULL_STACK, stackDecider, ValidationFailed } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { GridDoc, StackDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { stackVolumes } from '../stack-definition/stack-definition.dto';
import { StackFileCheck } from '../stack-definition/stack-file-check';
import { StackServices } from '../stack-definition/stack-services';
import { stackAfter } from '../stack-doc';
import type { CreateStackDto } from './create-stack.dto';

export class CreateStackCommand extends Command<{ grid: GridDoc; stack: StackDoc }> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly input: CreateStackDto,
  ) {
    super();
  }
}

/**
 * POST /v1/grids/:grid/stacks: the stack at revision 1 and its services, created (`initialized`) but not
 * deployed (kontena-behaviour.md §2 Stack create).
 */
@CommandHandler(CreateStackCommand)
export class CreateStackHandler implements ICommandHandler<CreateStackCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly check: StackFileCheck,
    private readonly services: StackServices,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, input }: CreateStackCommand): Promise<{ grid: GridDoc; stack: StackDoc }> {
    const gridDoc = await this.access.member(ctx.user, grid);
    const id = `${grid}/${input.name}`;
    // `Stacks::Create#validate` stops at a taken name and at an empty service list.
    if (input.name === NULL_STACK || (await this.readModels.reader.doc('stack', id)))
      throw invalid({ name: `${input.name} already exists` });
    const empty = this.check.noServices(input.services);
    if (empty) throw invalid(empty);

    const planned = await this.services.plan(
      grid,
      input.name,
      input.services,
      stackVolumes(input.volumes ?? []),
      [],
    );
    const errors: ErrorHash = {
      ...this.check.exposeError(input.expose, input.services),
      ...(await this.check.volumeErrors(grid, input.volumes ?? [])),
      ...('errors' in planned ? { services: planned.errors } : {}),
    };
    if (Object.keys(errors).length || 'errors' in planned) throw invalid(errors);

    // Not atomic across streams: the stack first, then its services in link order. A crash in between leaves a
    // stack whose revision names services that do not exist yet; a stack deploy (or PUT) creates missing
    // services, so repeating either completes it.
    const outcome = await this.executor.execute(ctx, streamName('stack', id), stackDecider, {
      type: 'CreateStack',
      data: {
        grid,
        name: input.name,
        parent_name: input.parentName,
        labels: input.labels ?? [],
        revision: input.revision(planned.order),
      },
    });
    await this.services.apply(ctx, grid, input.name, planned.plans);
    return { grid: gridDoc, stack: await stackAfter(this.readModels, id, outcome, ctx.now) };
  }
}

function invalid(errors: ErrorHash): DomainException {
  return new DomainException(new ValidationFailed(errors));
}
