import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { EventLogDelivery } from '../event-log-delivery';
import { EventLogRoute } from '../event-log-routes';
import { EventLogSubjects } from '../event-log-subjects';

@Controller('v1/services')
export class ServiceEventLogsHttp {
  constructor(
    private readonly subjects: EventLogSubjects,
    private readonly delivery: EventLogDelivery,
  ) {}

  @Get(':grid/:stack/:service/event_logs')
  @EventLogRoute()
  @ApiOperation({ summary: "A service's event log: its lifecycle, deploys and instances" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') service: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.delivery.answer(req, res, await this.subjects.service(ctx.user, grid, stack, service));
  }
}
