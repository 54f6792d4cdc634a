import type { ServiceDoc } from '@libs/read-model';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { streamName } from '@libs/eventstore';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { ServiceLookup } from '../service-lookup';
import { ServiceView } from '../service.view';

@ApiTags('services')
@Controller('v1/services')
export class GetServiceHttp {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly readModels: ReadModels,
    private readonly view: ServiceView,
  ) {}

  @Get(':grid/:stack/:service')
  @ApiOperation({ summary: 'A service (ETag: its revision, for If-Match on update)' })
  async get(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
  ) {
    const { grid: gridDoc, service } = await this.lookup.find(ctx.user, grid, stack, name);
    const { doc, revision } = await this.readModels.reader.docAt<ServiceDoc>(
      'service',
      service.id,
      streamName('service', service.id),
    );
    ctx.outcome = { revision: doc ? revision : undefined };
    return this.view.render(doc ?? service, gridDoc);
  }
}
