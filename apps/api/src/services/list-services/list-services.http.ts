import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { NULL_STACK } from '@libs/domain';
import { crossIndexes, gridIndexes, ServiceDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { HttpProblem } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { ServiceView } from '../service.view';

@ApiTags('services')
@Controller('v1/grids')
export class ListServicesHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
    private readonly view: ServiceView,
  ) {}

  /** Newest first, as Kontena's `order_by(:_id.desc)`; `?stack=` narrows to one stack (404 if unknown). */
  @Get(':grid/services')
  @ApiQuery({
    name: 'stack',
    required: false,
    description: 'Only the services of this stack (`null` for stack-less ones)',
  })
  @ApiOperation({ summary: "A grid's services" })
  async list(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Query('stack') stack?: string) {
    const gridDoc = await this.access.member(ctx.user, grid);
    const reader = this.readModels.reader;
    let index = gridIndexes.services(grid);
    if (typeof stack === 'string' && stack !== '') {
      if (stack !== NULL_STACK && !(await reader.doc('stack', `${grid}/${stack}`)))
        throw new HttpProblem(404, { error: 'Stack not found' });
      index = crossIndexes.stackServices(grid, stack);
    }
    const docs = await reader.docs<ServiceDoc>('service', await reader.ids(index, 'desc'));
    return { services: await this.view.renderAll(docs, gridDoc) };
  }
}
