import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { EventLogDelivery } from '../event-log-delivery';
import { EventLogRoute } from '../event-log-routes';
import { EventLogSubjects } from '../event-log-subjects';

@Controller('v1/stacks')
export class StackEventLogsHttp {
  constructor(
    private readonly subjects: EventLogSubjects,
    private readonly delivery: EventLogDelivery,
  ) {}

  @Get(':grid/:stack/event_logs')
  @EventLogRoute()
  @ApiOperation({ summary: "A stack's event log: the stack's and its services' entries" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.delivery.answer(req, res, await this.subjects.stack(ctx.user, grid, stack));
  }
}
