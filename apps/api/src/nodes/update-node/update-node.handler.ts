import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { NodeDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { NodeAfter } from '../node-after';
import { NodeFinder } from '../node-finder';
import type { UpdateNodeDto } from './update-node.dto';

export class UpdateNodeCommand extends Command<NodeDoc> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly node: string,
    readonly input: UpdateNodeDto,
  ) {
    super();
  }
}

/** Labels (replaced wholesale) and availability; any grid user, as in Kontena (kontena-behaviour.md §1). */
@CommandHandler(UpdateNodeCommand)
export class UpdateNodeHandler implements ICommandHandler<UpdateNodeCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly nodes: NodeFinder,
    private readonly executor: CommandExecutor,
    private readonly after: NodeAfter,
  ) {}

  async execute({ ctx, grid, node, input }: UpdateNodeCommand): Promise<NodeDoc> {
    const gridDoc = await this.access.member(ctx.user, grid);
    const doc = await this.nodes.find(grid, node);
    const outcome = await this.executor.execute(
      ctx,
      streamName('node', doc.id),
      nodeDecider,
      {
        type: 'UpdateNode',
        data: {
          ...(input.labels && { labels: input.labels }),
          ...(input.availability && { availability: input.availability }),
        },
      },
      { pinToIfMatch: true },
    );
    return this.after.get(gridDoc, doc.name, outcome.revision);
  }
}
