import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { NODE_PARAM } from '../../nodes/get-node/get-node.http';
import { NodeFinder } from '../../nodes/node-finder';
import { orBadRequest } from '../../common/http/query-params';
import { RunningContainers } from './running-containers';
import { parseStatsQuery } from './stats-query';
import { StatsRoute } from './stats-route';
import { renderStats } from './stats.view';

@ApiTags('stats')
@Controller('v1/nodes')
export class NodeStatsHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly nodes: NodeFinder,
    private readonly running: RunningContainers,
  ) {}

  @Get(':grid/:node/stats')
  @ApiParam(NODE_PARAM)
  @StatsRoute('a node')
  async stats(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Query() query: Record<string, unknown>,
  ) {
    await this.access.member(ctx.user, grid);
    const doc = await this.nodes.find(grid, node);
    const parsed = orBadRequest(parseStatsQuery(query));
    return renderStats(await this.running.of('node', doc.id, ctx.now), parsed);
  }
}
