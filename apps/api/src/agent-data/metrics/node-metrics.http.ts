import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { NODE_PARAM } from '../../nodes/get-node/get-node.http';
import { NodeFinder } from '../../nodes/node-finder';
import { orBadRequest } from '../../common/http/query-params';
import { MetricsMinutes } from './metrics-minutes';
import { parseMetricsQuery } from './metrics-query';
import { MetricsRoute, renderMetrics } from './metrics-route';

@ApiTags('metrics')
@Controller('v1/nodes')
export class NodeMetricsHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly nodes: NodeFinder,
    private readonly minutes: MetricsMinutes,
  ) {}

  @Get(':grid/:node/metrics')
  @ApiParam(NODE_PARAM)
  @MetricsRoute("A node's metrics per minute, averaged over its samples")
  async metrics(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Query() query: Record<string, unknown>,
  ) {
    await this.access.member(ctx.user, grid);
    const doc = await this.nodes.find(grid, node);
    const window = orBadRequest(parseMetricsQuery(query, ctx.now));
    return renderMetrics(window, await this.minutes.points('node', doc.id, window));
  }
}
