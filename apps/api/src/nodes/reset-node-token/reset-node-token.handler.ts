import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { nodeDecider, ValidationFailed } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { NodeDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { NodeFinder } from '../node-finder';
import { NODE_TOKEN_IN_USE, NodeTokens } from '../node-tokens';
import type { ResetNodeTokenDto } from './reset-node-token.dto';

export class ResetNodeTokenCommand extends Command<{ doc: NodeDoc; token: string }> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly node: string,
    readonly input: ResetNodeTokenDto,
  ) {
    super();
  }
}

/** A new node token (given or generated); the old one stops working at once. grid_admin. */
@CommandHandler(ResetNodeTokenCommand)
export class ResetNodeTokenHandler implements ICommandHandler<ResetNodeTokenCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly nodes: NodeFinder,
    private readonly tokens: NodeTokens,
    private readonly executor: CommandExecutor,
  ) {}

  async execute({ ctx, grid, node, input }: ResetNodeTokenCommand) {
    const gridDoc = await this.access.member(ctx.user, grid);
    const doc = await this.nodes.find(grid, node);
    await this.access.admin(ctx.user, grid);
    const token = input.token ?? this.tokens.generate();
    const holder = await this.tokens.holder(token);
    // Kontena refused a node's own current token too (its look-up found the node itself); we accept it as a no-op.
    if (holder !== undefined && holder !== doc.id)
      throw new DomainException(ValidationFailed.of('token', NODE_TOKEN_IN_USE));
    await this.executor.execute(
      ctx,
      streamName('node', doc.id),
      nodeDecider,
      {
        type: 'ChangeNodeToken',
        data: {
          ...this.tokens.seal(gridDoc, doc.name, token),
          reset_connection: input.reset_connection === true,
        },
      },
      { pinToIfMatch: true },
    );
    return { doc, token };
  }
}
