import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { RemoveGridCommand } from './remove-grid.handler';

@ApiTags('grids')
@Controller('v1/grids')
export class RemoveGridHttp {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':grid')
  @Roles('master_admin')
  @ApiOperation({ summary: 'Remove a grid (master_admin); its secrets become unreadable' })
  async remove(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    await this.commands.execute(new RemoveGridCommand(ctx, grid));
    return {};
  }
}
