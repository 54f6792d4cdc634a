import { GridRights } from '../../common/auth/grid-rights';
import { Body, Controller, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { GridSettingsDto } from '../grid-settings.dto';
import { GridView } from '../grid.view';
import { UpdateGridCommand } from './update-grid.handler';

@ApiTags('grids')
@Controller('v1/grids')
export class UpdateGridHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: GridView,
  ) {}

  @GridRights('grid_admin')
  @Put(':grid')
  @ApiOperation({ summary: 'Update a grid (grid_admin); honours If-Match' })
  async update(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() body: GridSettingsDto) {
    return this.view.render(await this.commands.execute(new UpdateGridCommand(ctx, grid, body)), ctx.user);
  }
}
