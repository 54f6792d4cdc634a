import { GridNotFoundMessage } from '../../common/auth/grid-rights';
import { gridNotFound } from '../volume-grid';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { volumeNotFound } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { VolumeDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { DomainException } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { volumeGrid } from '../volume-grid';
import { VolumeView } from '../volume.view';

@ApiTags('volumes')
@Controller('v1/volumes')
export class GetVolumeHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
    private readonly view: VolumeView,
  ) {}

  @GridNotFoundMessage(gridNotFound)
  @Get(':grid/:name')
  @ApiOperation({ summary: 'A volume' })
  async get(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('name') name: string) {
    await volumeGrid(this.access, ctx.user, grid);
    const reader = this.readModels.reader;
    const id = `${grid}/${name}`;
    const { doc, revision } = await reader.docAt<VolumeDoc>('volume', id, streamName('volume', id));
    if (!doc) throw new DomainException(volumeNotFound(name));
    ctx.outcome = { revision };
    return this.view.render(doc);
  }
}
