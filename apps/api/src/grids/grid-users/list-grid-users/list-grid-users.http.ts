import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { GridAccess } from '../../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../../common/http/request-context';
import { GridUsersView } from '../grid-users.view';

@ApiTags('grids')
@Controller('v1/grids')
export class ListGridUsersHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly view: GridUsersView,
  ) {}

  @Get(':grid/users')
  @ApiOperation({ summary: "A grid's users" })
  async list(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    return this.view.render(await this.access.member(ctx.user, grid));
  }
}
