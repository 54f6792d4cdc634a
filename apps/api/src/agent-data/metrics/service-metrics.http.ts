import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ServiceLookup } from '../../services/service-lookup';
import { orBadRequest } from '../../common/http/query-params';
import { MetricsMinutes } from './metrics-minutes';
import { parseMetricsQuery } from './metrics-query';
import { MetricsRoute, renderMetrics } from './metrics-route';

@ApiTags('metrics')
@Controller('v1/services')
export class ServiceMetricsHttp {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly minutes: MetricsMinutes,
  ) {}

  @Get(':grid/:stack/:service/metrics')
  @MetricsRoute("A service's metrics per minute: its instances summed, each node's cores counted once")
  async metrics(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
    @Query() query: Record<string, unknown>,
  ) {
    const { service } = await this.lookup.find(ctx.user, grid, stack, name);
    const window = orBadRequest(parseMetricsQuery(query, ctx.now));
    return renderMetrics(window, await this.minutes.points('service', service.id, window));
  }
}
