import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { NodeEnrolment } from '../node-enrolment';
import { NodeFinder } from '../node-finder';

export class RemoveNodeCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly node: string,
  ) {
    super();
  }
}

/**
 * Unregisters a node (the machine keeps running); any grid user, as in Kontena. The node goes first, then
 * its number: a removal interrupted in between leaves a claim the next node of that name reuses.
 */
@CommandHandler(RemoveNodeCommand)
export class RemoveNodeHandler implements ICommandHandler<RemoveNodeCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly nodes: NodeFinder,
    private readonly executor: CommandExecutor,
    private readonly enrolment: NodeEnrolment,
  ) {}

  async execute({ ctx, grid, node }: RemoveNodeCommand): Promise<void> {
    await this.access.member(ctx.user, grid);
    const doc = await this.nodes.find(grid, node);
    const removed = await this.executor.execute(
      ctx,
      streamName('node', doc.id),
      nodeDecider,
      { type: 'RemoveNode', data: {} },
      { pinToIfMatch: true },
    );
    const released = await this.enrolment.release(ctx, grid, doc.name);
    // The answer describes the node's stream; the position is the later of the two appends.
    ctx.outcome = { revision: removed.revision, position: released.position ?? removed.position };
  }
}
