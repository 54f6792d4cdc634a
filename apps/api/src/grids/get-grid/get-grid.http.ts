import type { GridDoc } from '@libs/read-model';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { streamName } from '@libs/eventstore';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { GridView } from '../grid.view';

@ApiTags('grids')
@Controller('v1/grids')
export class GetGridHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
    private readonly view: GridView,
  ) {}

  @Get(':grid')
  @ApiOperation({ summary: 'A grid' })
  async get(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    const found = await this.access.member(ctx.user, grid);
    const { doc, revision } = await this.readModels.reader.docAt<GridDoc>(
      'grid',
      grid,
      streamName('grid', grid),
    );
    ctx.outcome = { revision: doc ? revision : undefined };
    return this.view.render(doc ?? found, ctx.user);
  }
}
