import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ServiceInstanceDoc } from '@libs/read-model';
import { HttpProblem } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { ServiceLookup } from '../service-lookup';
import { ServiceView } from '../service.view';

/** The instances the reconciler placed (empty until it runs the service). */
@ApiTags('services')
@Controller('v1/services')
export class ServiceInstancesHttp {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly readModels: ReadModels,
    private readonly view: ServiceView,
  ) {}

  @Get(':grid/:stack/:service/instances')
  @ApiOperation({ summary: "A service's instances" })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
  ) {
    const { service } = await this.lookup.find(ctx.user, grid, stack, name);
    return { instances: (await this.view.instances(service.id)).map((i) => this.view.renderInstance(i)) };
  }

  /** 404 with an empty body for an unknown instance, as Kontena. */
  @Get(':grid/:stack/:service/instances/:id')
  @ApiOperation({ summary: 'One instance, by instance number' })
  async get(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
    @Param('id') id: string,
  ) {
    const { service } = await this.lookup.find(ctx.user, grid, stack, name);
    const instance = await this.readModels.reader.doc<ServiceInstanceDoc>('instance', `${service.id}/${id}`);
    if (!instance) throw new HttpProblem(404, undefined);
    return this.view.renderInstance(instance);
  }
}
