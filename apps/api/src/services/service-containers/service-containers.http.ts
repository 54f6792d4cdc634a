import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { serviceIndexes } from '@libs/read-model';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { ServiceLookup } from '../service-lookup';

@ApiTags('services')
@Controller('v1/services')
export class ServiceContainersHttp {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly readModels: ReadModels,
  ) {}

  /** The containers agents report for the service, oldest first (empty until agents run it). */
  @Get(':grid/:stack/:service/containers')
  @ApiOperation({ summary: "A service's containers" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
  ) {
    const { service } = await this.lookup.find(ctx.user, grid, stack, name);
    const reader = this.readModels.reader;
    return {
      containers: await reader.docs<Record<string, unknown>>(
        'container',
        await reader.ids(serviceIndexes.containers(service.id)),
      ),
    };
  }
}
