import { GridRights } from '../../../common/auth/grid-rights';
import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../../common/http/request-context';
import { GridUsersView } from '../grid-users.view';
import { UnassignGridUserCommand } from './unassign-grid-user.handler';

@ApiTags('grids')
@Controller('v1/grids')
export class UnassignGridUserHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: GridUsersView,
  ) {}

  @GridRights('grid_users_admin')
  @Delete(':grid/users/:email')
  @ApiOperation({ summary: "Take a user's access to a grid (user_admin or grid_admin); never the last user" })
  async unassign(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('email') email: string) {
    return this.view.render(await this.commands.execute(new UnassignGridUserCommand(ctx, grid, email)));
  }
}
