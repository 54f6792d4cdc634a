import { GridNotFoundMessage } from '../../common/auth/grid-rights';
import { gridNotFound } from '../volume-grid';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { gridIndexes, VolumeDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { volumeGrid } from '../volume-grid';
import { VolumeView } from '../volume.view';

@ApiTags('volumes')
@Controller('v1/volumes')
export class ListVolumesHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
    private readonly view: VolumeView,
  ) {}

  @GridNotFoundMessage(gridNotFound)
  @Get(':grid')
  @ApiOperation({ summary: "A grid's volumes" })
  async list(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    await volumeGrid(this.access, ctx.user, grid);
    const reader = this.readModels.reader;
    const docs = await reader.docs<VolumeDoc>('volume', await reader.ids(gridIndexes.volumes(grid)));
    return { volumes: await Promise.all(docs.map((doc) => this.view.render(doc))) };
  }
}
