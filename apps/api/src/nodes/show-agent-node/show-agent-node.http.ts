import { Controller, Get, Headers, Param } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { NotFound } from '@libs/domain';
import { NodeDoc, nodeLookups } from '@libs/read-model';
import { DomainException } from '../../common/http/errors';
import { ReadModels } from '../../platform/read-models';
import { AgentCredentials } from '../agent-credentials';
import { answeringRefusals } from '../agent-refusals';
import { AgentRoute } from '../agent-route';
import { renderNode } from '../node.view';

@Controller('v1/nodes')
export class ShowAgentNodeHttp {
  constructor(
    private readonly credentials: AgentCredentials,
    private readonly readModels: ReadModels,
  ) {}

  /** The agent's own node, as Kontena's legacy GET: never registers anything; an unknown agent gets 404 "Node not found". */
  @Get(':node_id')
  @AgentRoute()
  @ApiOperation({ summary: "A node agent's own node (Kontena-Grid-Token or Kontena-Node-Token)" })
  @ApiResponse({
    status: 404,
    description: '`{"error":"Node not found"}`: the agent has not registered (with this token)',
  })
  show(
    @Param('node_id') agentNodeId: string,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ) {
    return answeringRefusals(async () => {
      const identity = await this.credentials.identify(headers);
      const reader = this.readModels.reader;
      const id =
        identity.kind === 'node_token'
          ? identity.node.id
          : await reader.lookup(nodeLookups.agentNodeId, agentNodeId);
      const doc = id?.startsWith(`${identity.grid.name}/`)
        ? await reader.doc<NodeDoc>('node', id)
        : undefined;
      if (!doc || doc.node_id !== agentNodeId) throw new DomainException(new NotFound('Node not found'));
      return renderNode(doc);
    });
  }
}
