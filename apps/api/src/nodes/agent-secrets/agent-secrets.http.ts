import { Controller, Get, Headers, Param, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { AgentNode } from '../agent-node';
import { answeringRefusals } from '../agent-refusals';
import { AgentRoute } from '../agent-route';
import { ReadInstanceSecretsCommand } from './agent-secrets.handler';

@Controller('v1/nodes')
export class AgentSecretsHttp {
  constructor(
    private readonly nodes: AgentNode,
    private readonly commands: CommandBus,
  ) {}

  @Get(':grid/:node/secrets')
  @AgentRoute()
  @ApiParam({ name: 'grid' })
  @ApiParam({ name: 'node' })
  @ApiQuery({ name: 'instance', description: 'The instance id, `<grid>/<stack>/<service>/<n>`' })
  @ApiOperation({
    summary:
      'The secret values an instance placed on this node reads (Kontena-Node-Token); each read is recorded',
  })
  @ApiResponse({ status: 200, description: '`{"secrets": [{"name": "DB_PASSWORD", "value": "…"}]}`' })
  @ApiResponse({ status: 404, description: 'No such instance on this node' })
  secrets(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Query('instance') instance: string | undefined,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ) {
    return answeringRefusals(async () => {
      const doc = await this.nodes.of(headers, grid, node);
      const secrets = await this.commands.execute(
        new ReadInstanceSecretsCommand(ctx, doc, String(instance ?? '')),
      );
      return { secrets };
    });
  }
}
