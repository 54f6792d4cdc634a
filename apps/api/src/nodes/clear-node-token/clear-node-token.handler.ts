import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { GridAccess } from '../../common/auth/grid-access';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { NodeFinder } from '../node-finder';
import type { ClearNodeTokenDto } from './clear-node-token.dto';

export class ClearNodeTokenCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly node: string,
    readonly input: ClearNodeTokenDto,
  ) {
    super();
  }
}

/**
 * Without a node token the agent can only come back with the grid token (API reference), which gives it a new
 * one: how an agent that lost its token is let back in. grid_admin.
 */
@CommandHandler(ClearNodeTokenCommand)
export class ClearNodeTokenHandler implements ICommandHandler<ClearNodeTokenCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly nodes: NodeFinder,
    private readonly executor: CommandExecutor,
  ) {}

  async execute({ ctx, grid, node, input }: ClearNodeTokenCommand): Promise<void> {
    await this.access.member(ctx.user, grid);
    const doc = await this.nodes.find(grid, node);
    await this.access.admin(ctx.user, grid);
    await this.executor.execute(
      ctx,
      streamName('node', doc.id),
      nodeDecider,
      { type: 'ClearNodeToken', data: { reset_connection: input.reset_connection === true } },
      { pinToIfMatch: true },
    );
  }
}
