import { GridRights } from '../../common/auth/grid-rights';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { NotFound } from '@libs/domain';
import { GridAccess } from '../../common/auth/grid-access';
import { DomainException } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { NODE_PARAM } from '../get-node/get-node.http';
import { NodeFinder } from '../node-finder';
import { NodeTokens } from '../node-tokens';
import { renderNodeToken } from '../node.view';

@ApiTags('nodes')
@Controller('v1/nodes')
export class GetNodeTokenHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly nodes: NodeFinder,
    private readonly tokens: NodeTokens,
  ) {}

  /** The token to configure the agent with (`KONTENA_NODE_TOKEN`); grid_admin; 404 when the node has none. */
  @GridRights('grid_admin')
  @Get(':grid/:node/token')
  @ApiParam(NODE_PARAM)
  @ApiOperation({ summary: "A node's token (grid_admin); 404 when it has none" })
  async get(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('node') node: string) {
    await this.access.member(ctx.user, grid);
    const doc = await this.nodes.find(grid, node);
    await this.access.admin(ctx.user, grid);
    const token = this.tokens.open(doc);
    if (token === null) throw new DomainException(new NotFound('Host node does not have a node token'));
    return renderNodeToken(doc, token);
  }
}
