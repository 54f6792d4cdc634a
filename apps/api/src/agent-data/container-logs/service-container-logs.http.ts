import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { EventLogDelivery } from '../../event-logs/event-log-delivery';
import { orBadRequest } from '../../common/http/query-params';
import { serviceLineFilters } from './container-log-filters';
import { ContainerLogRoute } from './container-log-route';
import { ContainerLogSubjects } from './container-log-subjects';

@Controller('v1/services')
export class ServiceContainerLogsHttp {
  constructor(
    private readonly subjects: ContainerLogSubjects,
    private readonly delivery: EventLogDelivery,
  ) {}

  @Get(':grid/:stack/:service/container_logs')
  @ContainerLogRoute()
  @ApiQuery({ name: 'container', required: false, description: 'Only this container: shop.api-2' })
  @ApiQuery({ name: 'instance', required: false, description: 'Only this instance number' })
  @ApiQuery({ name: 'search', required: false, description: 'Only lines holding this text (any case)' })
  @ApiOperation({ summary: "The log lines of a service's containers" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') service: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const subject = await this.subjects.service(ctx.user, grid, stack, service);
    const filter = orBadRequest(serviceLineFilters(req.query as Record<string, unknown>));
    await this.delivery.answer(req, res, subject, filter);
  }
}
