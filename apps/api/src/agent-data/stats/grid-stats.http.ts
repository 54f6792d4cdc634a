import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { orBadRequest } from '../../common/http/query-params';
import { RunningContainers } from './running-containers';
import { parseStatsQuery } from './stats-query';
import { StatsRoute } from './stats-route';
import { renderStats } from './stats.view';

@ApiTags('stats')
@Controller('v1/grids')
export class GridStatsHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly running: RunningContainers,
  ) {}

  @Get(':grid/stats')
  @StatsRoute('a grid')
  async stats(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Query() query: Record<string, unknown>,
  ) {
    await this.access.member(ctx.user, grid);
    const parsed = orBadRequest(parseStatsQuery(query));
    return renderStats(await this.running.of('grid', grid, ctx.now), parsed);
  }
}
