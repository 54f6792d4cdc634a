import { Module } from '@nestjs/common';
import { AgentDataModule } from '../agent-data/agent-data.module';
import { AgentCredentials } from './agent-credentials';
import { AgentNode } from './agent-node';
import { ReadInstanceSecretsHandler } from './agent-secrets/agent-secrets.handler';
import { AgentSecretsHttp } from './agent-secrets/agent-secrets.http';
import { AgentServicePodsHttp } from './agent-service-pods/agent-service-pods.http';
import { ClearNodeTokenHandler } from './clear-node-token/clear-node-token.handler';
import { ClearNodeTokenHttp } from './clear-node-token/clear-node-token.http';
import { CreateNodeHandler } from './create-node/create-node.handler';
import { CreateNodeHttp } from './create-node/create-node.http';
import { GetNodeTokenHttp } from './get-node-token/get-node-token.http';
import { GetNodeHttp } from './get-node/get-node.http';
import { ListNodesHttp } from './list-nodes/list-nodes.http';
import { NodeAfter } from './node-after';
import { NodeEnrolment } from './node-enrolment';
import { NodeFinder } from './node-finder';
import { NodeTokens } from './node-tokens';
import { RegisterAgentHandler } from './register-agent/register-agent.handler';
import { RegisterAgentHttp } from './register-agent/register-agent.http';
import { RemoveNodeHandler } from './remove-node/remove-node.handler';
import { RemoveNodeHttp } from './remove-node/remove-node.http';
import { ResetNodeTokenHandler } from './reset-node-token/reset-node-token.handler';
import { ResetNodeTokenHttp } from './reset-node-token/reset-node-token.http';
import { ShowAgentNodeHttp } from './show-agent-node/show-agent-node.http';
import { UpdateNodeHandler } from './update-node/update-node.handler';
import { UpdateNodeHttp } from './update-node/update-node.http';

@Module({
  imports: [AgentDataModule],
  controllers: [
    ListNodesHttp,
    CreateNodeHttp,
    GetNodeHttp,
    UpdateNodeHttp,
    RemoveNodeHttp,
    GetNodeTokenHttp,
    ResetNodeTokenHttp,
    ClearNodeTokenHttp,
    RegisterAgentHttp,
    ShowAgentNodeHttp,
    AgentServicePodsHttp,
    AgentSecretsHttp,
  ],
  providers: [
    NodeFinder,
    NodeAfter,
    NodeTokens,
    NodeEnrolment,
    AgentCredentials,
    AgentNode,
    ReadInstanceSecretsHandler,
    CreateNodeHandler,
    UpdateNodeHandler,
    RemoveNodeHandler,
    ResetNodeTokenHandler,
    ClearNodeTokenHandler,
    RegisterAgentHandler,
  ],
})
export class NodesModule {}
