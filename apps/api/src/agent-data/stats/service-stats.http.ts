import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ServiceLookup } from '../../services/service-lookup';
import { orBadRequest } from '../../common/http/query-params';
import { RunningContainers } from './running-containers';
import { parseStatsQuery } from './stats-query';
import { StatsRoute } from './stats-route';
import { renderStats } from './stats.view';

@ApiTags('stats')
@Controller('v1/services')
export class ServiceStatsHttp {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly running: RunningContainers,
  ) {}

  @Get(':grid/:stack/:service/stats')
  @StatsRoute('a service')
  async stats(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
    @Query() query: Record<string, unknown>,
  ) {
    const { service } = await this.lookup.find(ctx.user, grid, stack, name);
    const parsed = orBadRequest(parseStatsQuery(query));
    return renderStats(await this.running.of('service', service.id, ctx.now), parsed);
  }
}
