import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { orBadRequest } from '../../common/http/query-params';
import { MetricsMinutes } from './metrics-minutes';
import { parseMetricsQuery } from './metrics-query';
import { MetricsRoute, renderMetrics } from './metrics-route';

@ApiTags('metrics')
@Controller('v1/grids')
export class GridMetricsHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly minutes: MetricsMinutes,
  ) {}

  @Get(':grid/metrics')
  @MetricsRoute(
    "A grid's metrics per minute: cpu averaged across its nodes, memory, filesystem and network summed",
  )
  async metrics(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Query() query: Record<string, unknown>,
  ) {
    await this.access.member(ctx.user, grid);
    const window = orBadRequest(parseMetricsQuery(query, ctx.now));
    return renderMetrics(window, await this.minutes.points('grid', grid, window));
  }
}
