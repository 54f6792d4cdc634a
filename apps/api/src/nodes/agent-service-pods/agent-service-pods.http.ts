import { Controller, Get, Headers, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { crossIndexes, InstancePodDoc } from '@libs/read-model';
import { ReadModels } from '../../platform/read-models';
import { AgentNode } from '../agent-node';
import { answeringRefusals } from '../agent-refusals';
import { AgentRoute } from '../agent-route';

/**
 * What a node is to run (Kontena's `/node_service_pods/list`, which its agent called every 30 s): the pods of
 * the instances the reconciler placed on the node, each as an `@libs/queues` `InstanceAssignment` (built with
 * `instanceAssignment()` when the instance was placed: the deploy's pod and the desired state). An agent that
 * lost a job, or a machine that restarted, converges to this.
 */
@Controller('v1/nodes')
export class AgentServicePodsHttp {
  constructor(
    private readonly nodes: AgentNode,
    private readonly readModels: ReadModels,
  ) {}

  @Get(':grid/:node/service_pods')
  @AgentRoute()
  @ApiParam({ name: 'grid' })
  @ApiParam({ name: 'node' })
  @ApiOperation({ summary: "The service pods a node's agent is to run (Kontena-Node-Token of that node)" })
  @ApiResponse({ status: 200, description: '`{"service_pods": [InstanceAssignment, …]}`' })
  pods(
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ) {
    return answeringRefusals(async () => {
      const doc = await this.nodes.of(headers, grid, node);
      const reader = this.readModels.reader;
      const ids = await reader.ids(crossIndexes.nodeInstances(doc.id));
      return { service_pods: await reader.docs<InstancePodDoc>('pod', ids) };
    });
  }
}
