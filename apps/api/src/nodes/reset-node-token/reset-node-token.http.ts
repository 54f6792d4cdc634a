import { GridRights } from '../../common/auth/grid-rights';
import { Body, Controller, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { NODE_PARAM } from '../get-node/get-node.http';
import { renderNodeToken } from '../node.view';
import { ResetNodeTokenCommand } from './reset-node-token.handler';
import { ResetNodeTokenDto } from './reset-node-token.dto';

@ApiTags('nodes')
@Controller('v1/nodes')
export class ResetNodeTokenHttp {
  constructor(private readonly commands: CommandBus) {}

  @GridRights('grid_admin')
  @Put(':grid/:node/token')
  @ApiParam(NODE_PARAM)
  @ApiOperation({ summary: "Replace a node's token (grid_admin); `reset_connection` disconnects its agent" })
  async reset(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Body() body: ResetNodeTokenDto,
  ) {
    const { doc, token } = await this.commands.execute(new ResetNodeTokenCommand(ctx, grid, node, body));
    return renderNodeToken(doc, token);
  }
}
