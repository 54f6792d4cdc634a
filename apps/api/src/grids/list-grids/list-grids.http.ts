import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { GridDoc, gridIndexes, userIndexes } from '@libs/read-model';
import { isMasterAdmin } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { GridView } from '../grid.view';

@ApiTags('grids')
@Controller('v1/grids')
export class ListGridsHttp {
  constructor(
    private readonly readModels: ReadModels,
    private readonly view: GridView,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Grids the caller can use (master_admin sees all)' })
  async list(@Ctx() ctx: RequestContext) {
    const reader = this.readModels.reader;
    const names = await reader.ids(isMasterAdmin(ctx.user) ? gridIndexes.all : userIndexes.grids(ctx.user.email));
    const docs = await reader.docs<GridDoc>('grid', names);
    return { grids: await Promise.all(docs.map((doc) => this.view.render(doc, ctx.user))) };
  }
}
