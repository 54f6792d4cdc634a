import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { gridIndexes, StackDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { StackView } from '../stack.view';

@ApiTags('stacks')
@Controller('v1/grids')
export class ListStacksHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
    private readonly view: StackView,
  ) {}

  /** In creation order; the `null` stack is not listed. */
  @Get(':grid/stacks')
  @ApiOperation({ summary: "A grid's stacks" })
  async list(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    const gridDoc = await this.access.member(ctx.user, grid);
    const reader = this.readModels.reader;
    const names = await reader.ids(gridIndexes.stacks(grid));
    const docs = await reader.docs<StackDoc>(
      'stack',
      names.map((name) => `${grid}/${name}`),
    );
    return { stacks: await Promise.all(docs.map((doc) => this.view.render(doc, gridDoc, ctx.now))) };
  }
}
