import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { GridView } from '../grid.view';
import { CreateGridCommand } from './create-grid.handler';
import { CreateGridDto } from './create-grid.dto';

@ApiTags('grids')
@Controller('v1/grids')
export class CreateGridHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: GridView,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('master_admin')
  @ApiOperation({ summary: 'Create a grid (master_admin)' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateGridDto) {
    return this.view.render(await this.commands.execute(new CreateGridCommand(ctx, body)), ctx.user);
  }
}
