import { GridRights } from '../../../common/auth/grid-rights';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../../common/http/request-context';
import { GridUsersView } from '../grid-users.view';
import { AssignGridUserDto } from './assign-grid-user.dto';
import { AssignGridUserCommand } from './assign-grid-user.handler';

@ApiTags('grids')
@Controller('v1/grids')
export class AssignGridUserHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: GridUsersView,
  ) {}

  @GridRights('grid_users_admin')
  @Post(':grid/users')
  @HttpCode(201)
  @ApiOperation({ summary: 'Give a user access to a grid (user_admin or grid_admin)' })
  async assign(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() body: AssignGridUserDto) {
    return this.view.render(await this.commands.execute(new AssignGridUserCommand(ctx, grid, body.email)));
  }
}
