import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ServiceLookup } from '../../services/service-lookup';
import { GridContainers } from '../grid-containers';

@ApiTags('services')
@Controller('v1/services')
export class ServiceContainersHttp {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly containers: GridContainers,
  ) {}

  /** The containers of the service's instances, by instance number (empty until agents run it). */
  @Get(':grid/:stack/:service/containers')
  @ApiOperation({ summary: "A service's containers" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
  ) {
    const found = await this.lookup.find(ctx.user, grid, stack, name);
    return { containers: await this.containers.ofService(found.grid, found.service) };
  }
}
