import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { containerLineFilters } from '../../agent-data/container-logs/container-log-filters';
import { ContainerLogRoute } from '../../agent-data/container-logs/container-log-route';
import { ContainerLogSubjects } from '../../agent-data/container-logs/container-log-subjects';
import { GridAccess } from '../../common/auth/grid-access';
import { orBadRequest } from '../../common/http/query-params';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { EventLogDelivery } from '../../event-logs/event-log-delivery';
import { GridContainers } from '../grid-containers';

/**
 * `GET /v1/containers/:grid/:node/:name/logs` (kontena-behaviour.md §6): one container's lines, with the paging
 * and `follow` of every log route. They are read from the service's log, which holds every line of its
 * containers; lines the instance wrote on another node before it moved belong to that node's container.
 */
@Controller('v1/containers')
export class ContainerLogsHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly containers: GridContainers,
    private readonly subjects: ContainerLogSubjects,
    private readonly delivery: EventLogDelivery,
  ) {}

  @Get(':grid/:node/:name/logs')
  @ContainerLogRoute()
  @ApiQuery({ name: 'search', required: false, description: 'Only lines holding this text (any case)' })
  @ApiOperation({ summary: "One container's log lines" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const doc = await this.access.member(ctx.user, grid);
    const instance = await this.containers.instance(doc, node, name);
    const filter = orBadRequest(
      containerLineFilters(`${grid}/${node}/${name}`, req.query as Record<string, unknown>),
    );
    await this.delivery.answer(req, res, this.subjects.ofService(instance.service_id), filter);
  }
}
