import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { gridIndexes, RegistryDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { renderRegistry } from '../registry.view';

@ApiTags('external registries')
@Controller('v1/grids')
export class ListRegistriesHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
  ) {}

  @Get(':grid/external_registries')
  @ApiOperation({ summary: "A grid's external registries" })
  async list(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    await this.access.member(ctx.user, grid);
    const reader = this.readModels.reader;
    const docs = await reader.docs<RegistryDoc>('registry', await reader.ids(gridIndexes.registries(grid)));
    return { external_registries: docs.map(renderRegistry) };
  }
}
