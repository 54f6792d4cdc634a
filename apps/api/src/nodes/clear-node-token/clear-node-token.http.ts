import { GridRights } from '../../common/auth/grid-rights';
import { Body, Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { NODE_PARAM } from '../get-node/get-node.http';
import { ClearNodeTokenCommand } from './clear-node-token.handler';
import { ClearNodeTokenDto } from './clear-node-token.dto';

@ApiTags('nodes')
@Controller('v1/nodes')
export class ClearNodeTokenHttp {
  constructor(private readonly commands: CommandBus) {}

  @GridRights('grid_admin')
  @Delete(':grid/:node/token')
  @ApiParam(NODE_PARAM)
  @ApiOperation({ summary: "Clear a node's token (grid_admin); its agent may then only use the grid token" })
  async clear(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Body() body: ClearNodeTokenDto,
  ) {
    await this.commands.execute(new ClearNodeTokenCommand(ctx, grid, node, body));
    return {};
  }
}
