import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { EventLogDelivery } from '../../event-logs/event-log-delivery';
import { orBadRequest } from '../../common/http/query-params';
import { stackLineFilters } from './container-log-filters';
import { ContainerLogRoute } from './container-log-route';
import { ContainerLogSubjects } from './container-log-subjects';

@Controller('v1/stacks')
export class StackContainerLogsHttp {
  constructor(
    private readonly subjects: ContainerLogSubjects,
    private readonly delivery: EventLogDelivery,
  ) {}

  @Get(':grid/:stack/container_logs')
  @ContainerLogRoute()
  @ApiQuery({ name: 'container', required: false, description: 'Only this container: shop.api-2' })
  @ApiQuery({ name: 'search', required: false, description: 'Only lines holding this text (any case)' })
  @ApiOperation({ summary: "The log lines of a stack's containers" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const subject = await this.subjects.stack(ctx.user, grid, stack);
    const filter = orBadRequest(stackLineFilters(req.query as Record<string, unknown>));
    await this.delivery.answer(req, res, subject, filter);
  }
}
