import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { EventLogDelivery } from '../event-log-delivery';
import { EventLogRoute } from '../event-log-routes';
import { EventLogSubjects } from '../event-log-subjects';

/** Kontena had no node event log (its entries referenced nodes, kontena-behaviour.md §6); this serves them. */
@Controller('v1/nodes')
export class NodeEventLogsHttp {
  constructor(
    private readonly subjects: EventLogSubjects,
    private readonly delivery: EventLogDelivery,
  ) {}

  @Get(':grid/:node/event_logs')
  @EventLogRoute()
  @ApiOperation({ summary: "A node's event log: its connections and the instances deployed to it" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.delivery.answer(req, res, await this.subjects.node(ctx.user, grid, node));
  }
}
