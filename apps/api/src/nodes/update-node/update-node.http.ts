import { Body, Controller, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { NodeLiveness } from '../../agent-data/node-liveness';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { NODE_PARAM } from '../get-node/get-node.http';
import { renderNode } from '../node.view';
import { UpdateNodeCommand } from './update-node.handler';
import { UpdateNodeDto } from './update-node.dto';

@ApiTags('nodes')
@Controller('v1/nodes')
export class UpdateNodeHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly liveness: NodeLiveness,
  ) {}

  @Put(':grid/:node')
  @ApiParam(NODE_PARAM)
  @ApiOperation({ summary: 'Update labels and availability of a node; honours If-Match' })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Body() body: UpdateNodeDto,
  ) {
    const doc = await this.commands.execute(new UpdateNodeCommand(ctx, grid, node, body));
    return renderNode(await this.liveness.currentOne(doc));
  }
}
