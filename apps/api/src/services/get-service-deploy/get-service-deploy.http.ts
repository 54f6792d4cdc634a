import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFound } from '@libs/domain';
import { DomainException } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { ServiceLookup } from '../service-lookup';
import { ServiceView } from '../service.view';

@ApiTags('services')
@Controller('v1/services')
export class GetServiceDeployHttp {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly readModels: ReadModels,
    private readonly view: ServiceView,
  ) {}

  @Get(':grid/:stack/:service/deploys/:id')
  @ApiOperation({ summary: 'A deploy of the service, to follow its progress' })
  async get(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
    @Param('id') id: string,
  ) {
    const { service } = await this.lookup.find(ctx.user, grid, stack, name);
    const deploy = await this.readModels.reader.deploy(id);
    if (!deploy || deploy.service_id !== service.id) throw new DomainException(new NotFound());
    return this.view.renderDeploy(deploy, service);
  }
}
