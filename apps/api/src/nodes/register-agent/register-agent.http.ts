import { Body, Controller, Headers, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { answeringRefusals } from '../agent-refusals';
import { AgentRoute } from '../agent-route';
import { renderNode } from '../node.view';
import { NodeInfoDto } from './node-info.dto';
import { RegisterAgentCommand } from './register-agent.handler';

@Controller('v1/nodes')
export class RegisterAgentHttp {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Kontena's legacy agent endpoint, now where agents join (docs/architecture.md, "Agent registration").
   * Answers the node JSON, which carries what the agent needs: `node_number`, `overlay_ip`,
   * `initial_member`, `peer_ips` and the grid (subnet, supernet, trusted subnets, statsd and log settings);
   * after a grid-token registration also `node_token`, the agent's credential from then on.
   */
  @Put(':node_id')
  @AgentRoute()
  @ApiOperation({
    summary:
      'Register or reconnect a node agent and report its node info (Kontena-Grid-Token or Kontena-Node-Token)',
  })
  @ApiResponse({
    status: 200,
    description:
      'The node, connected and up to date (with `node_token` when the grid token readmitted a node whose token was cleared)',
  })
  @ApiResponse({
    status: 201,
    description:
      'The node, created for an unknown agent that sent the grid token, with `node_token`: use it (Kontena-Node-Token) from now on; it is shown only this once',
  })
  @ApiResponse({
    status: 422,
    description:
      '`{"error":{"name":"Name is required"}}` when an unknown agent sends no name (close code 4000), or invalid node info',
  })
  async register(
    @Ctx() ctx: RequestContext,
    @Param('node_id') agentNodeId: string,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: NodeInfoDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { doc, created, node_token } = await answeringRefusals(() =>
      this.commands.execute(new RegisterAgentCommand(ctx, agentNodeId, headers, body)),
    );
    response.status(created ? 201 : 200);
    return { ...renderNode(doc), ...(node_token !== undefined && { node_token }) };
  }
}
