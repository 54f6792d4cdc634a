import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { gridIndexes, NodeDoc } from '@libs/read-model';
import { NodeLiveness } from '../../agent-data/node-liveness';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { nodeId } from '../node-finder';
import { renderNode } from '../node.view';

@ApiTags('nodes')
@Controller('v1/grids')
export class ListNodesHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
    private readonly liveness: NodeLiveness,
  ) {}

  /** Sorted by name (kontena-behaviour.md §1): the index scores every name 0, so Redis orders them lexically. */
  @Get(':grid/nodes')
  @ApiOperation({ summary: 'The nodes of a grid, by name' })
  async list(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    await this.access.member(ctx.user, grid);
    const reader = this.readModels.reader;
    const names = await reader.ids(gridIndexes.nodes(grid));
    const docs = await reader.docs<NodeDoc>(
      'node',
      names.map((name) => nodeId(grid, name)),
    );
    return { nodes: (await this.liveness.current(docs)).map((doc) => renderNode(doc)) };
  }
}
