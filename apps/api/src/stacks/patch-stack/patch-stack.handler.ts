import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nullStackRefusal, stackDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { GridDoc, StackDoc } from '@libs/read-model';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { stackAfter } from '../stack-doc';
import { StackLookup } from '../stack-lookup';
import type { PatchStackDto } from './patch-stack.dto';

export class PatchStackCommand extends Command<{ grid: GridDoc; stack: StackDoc }> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly name: string,
    readonly input: PatchStackDto,
  ) {
    super();
  }
}

/** PATCH /v1/stacks/:grid/:stack: labels only (`Stacks::Patch`). */
@CommandHandler(PatchStackCommand)
export class PatchStackHandler implements ICommandHandler<PatchStackCommand> {
  constructor(
    private readonly lookup: StackLookup,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, name, input }: PatchStackCommand): Promise<{ grid: GridDoc; stack: StackDoc }> {
    const { grid: gridDoc, stack } = await this.lookup.findOwn(
      ctx.user,
      grid,
      name,
      () => new DomainException(nullStackRefusal('update')),
    );
    const outcome = await this.executor.execute(
      ctx,
      streamName('stack', stack.id),
      stackDecider,
      { type: 'PatchStack', data: { labels: input.labels } },
      { pinToIfMatch: true },
    );
    return { grid: gridDoc, stack: await stackAfter(this.readModels, stack.id, outcome, ctx.now) };
  }
}
