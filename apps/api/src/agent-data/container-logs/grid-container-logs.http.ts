import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { EventLogDelivery } from '../../event-logs/event-log-delivery';
import { orBadRequest } from '../../common/http/query-params';
import { gridLineFilters } from './container-log-filters';
import { ContainerLogRoute } from './container-log-route';
import { ContainerLogSubjects } from './container-log-subjects';

@Controller('v1/grids')
export class GridContainerLogsHttp {
  constructor(
    private readonly subjects: ContainerLogSubjects,
    private readonly delivery: EventLogDelivery,
  ) {}

  @Get(':grid/container_logs')
  @ContainerLogRoute()
  @ApiQuery({ name: 'containers', required: false, description: 'Only these containers: web-1,shop.api-2' })
  @ApiQuery({ name: 'nodes', required: false, description: 'Only lines from these nodes: node-1,node-2' })
  @ApiQuery({
    name: 'services',
    required: false,
    description: 'Only these services: redis,shop/api (a bare name is stack-less)',
  })
  @ApiOperation({ summary: "The log lines of a grid's containers" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const subject = await this.subjects.grid(ctx.user, grid);
    const filter = orBadRequest(gridLineFilters(grid, req.query as Record<string, unknown>));
    await this.delivery.answer(req, res, subject, filter);
  }
}
