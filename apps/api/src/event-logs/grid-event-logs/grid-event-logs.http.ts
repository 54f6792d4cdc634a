import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { HttpProblem } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { EventLogDelivery } from '../event-log-delivery';
import { parseGridFilters } from '../event-log-query';
import { EventLogRoute } from '../event-log-routes';
import { EventLogSubjects } from '../event-log-subjects';

@Controller('v1/grids')
export class GridEventLogsHttp {
  constructor(
    private readonly subjects: EventLogSubjects,
    private readonly delivery: EventLogDelivery,
  ) {}

  @Get(':grid/event_logs')
  @EventLogRoute()
  @ApiQuery({ name: 'nodes', required: false, description: 'Only entries about these nodes: a,b' })
  @ApiQuery({ name: 'stacks', required: false, description: 'Only entries about these stacks: a,b' })
  @ApiQuery({
    name: 'services',
    required: false,
    description: 'Only entries about these services: stack/svc,…',
  })
  @ApiOperation({ summary: "A grid's event log: everything that happened to its stacks, services and nodes" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const subject = await this.subjects.grid(ctx.user, grid);
    const filters = parseGridFilters(grid, req.query as Record<string, unknown>);
    if (!filters.ok) throw new HttpProblem(400, { error: filters.errors });
    await this.delivery.answer(req, res, subject, filters.value);
  }
}
