import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ValidationFailed } from '@libs/domain';
import type { NodeDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { NodeEnrolment } from '../node-enrolment';
import { NodeAfter } from '../node-after';
import { NODE_TOKEN_IN_USE, NodeTokens } from '../node-tokens';
import type { CreateNodeDto } from './create-node.dto';

export class CreateNodeCommand extends Command<NodeDoc> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly input: CreateNodeDto,
  ) {
    super();
  }
}

/**
 * A node created ahead of its agent, usually to hand out a node token (`kontena node create`): grid_admin of
 * the grid; the name must be free and the token unused (kontena-behaviour.md §2 Nodes create).
 */
@CommandHandler(CreateNodeCommand)
export class CreateNodeHandler implements ICommandHandler<CreateNodeCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly enrolment: NodeEnrolment,
    private readonly tokens: NodeTokens,
    private readonly nodes: NodeAfter,
  ) {}

  async execute({ ctx, grid, input }: CreateNodeCommand): Promise<NodeDoc> {
    const gridDoc = await this.access.admin(ctx.user, grid);
    const token = input.token ?? this.tokens.generate();
    // Checked before anything is written, so a refused request appends nothing; a token is unique across grids.
    if (await this.tokens.holder(token))
      throw new DomainException(ValidationFailed.of('token', NODE_TOKEN_IN_USE));
    const { claim, revision } = await this.enrolment.create(ctx, gridDoc, {
      name: input.name,
      labels: input.labels ?? [],
      ...this.tokens.seal(gridDoc, input.name, token),
    });
    return this.nodes.get(gridDoc, claim.node, revision);
  }
}
