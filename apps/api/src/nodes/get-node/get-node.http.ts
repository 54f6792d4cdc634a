import type { NodeDoc } from '@libs/read-model';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { streamName } from '@libs/eventstore';
import { NodeLiveness } from '../../agent-data/node-liveness';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { NodeFinder } from '../node-finder';
import { renderNode } from '../node.view';

export const NODE_PARAM = {
  name: 'node',
  description: "The node's name, or its agent node id (contains ':')",
};

@ApiTags('nodes')
@Controller('v1/nodes')
export class GetNodeHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly nodes: NodeFinder,
    private readonly readModels: ReadModels,
    private readonly liveness: NodeLiveness,
  ) {}

  @Get(':grid/:node')
  @ApiParam(NODE_PARAM)
  @ApiOperation({ summary: 'A node' })
  async get(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('node') node: string) {
    await this.access.member(ctx.user, grid);
    const found = await this.nodes.find(grid, node);
    const { doc, revision } = await this.readModels.reader.docAt<NodeDoc>(
      'node',
      found.id,
      streamName('node', found.id),
    );
    ctx.outcome = { revision: doc ? revision : undefined };
    return renderNode(await this.liveness.currentOne(doc ?? found));
  }
}
