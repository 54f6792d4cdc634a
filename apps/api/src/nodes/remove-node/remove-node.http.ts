import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { NODE_PARAM } from '../get-node/get-node.http';
import { RemoveNodeCommand } from './remove-node.handler';

@ApiTags('nodes')
@Controller('v1/nodes')
export class RemoveNodeHttp {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':grid/:node')
  @ApiParam(NODE_PARAM)
  @ApiOperation({
    summary: 'Remove a node from its grid (the machine is not touched); its node number is freed',
  })
  async remove(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('node') node: string) {
    await this.commands.execute(new RemoveNodeCommand(ctx, grid, node));
    return {};
  }
}
