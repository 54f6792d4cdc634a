import { GridRights } from '../../common/auth/grid-rights';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { renderNode } from '../node.view';
import { CreateNodeCommand } from './create-node.handler';
import { CreateNodeDto } from './create-node.dto';

@ApiTags('nodes')
@Controller('v1/grids')
export class CreateNodeHttp {
  constructor(private readonly commands: CommandBus) {}

  @GridRights('grid_admin')
  @Post(':grid/nodes')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a node ahead of its agent, with a node token (grid_admin)' })
  async create(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() body: CreateNodeDto) {
    return renderNode(await this.commands.execute(new CreateNodeCommand(ctx, grid, body)));
  }
}
