import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { NodeDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { HttpProblem } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { NODE_PARAM } from '../../nodes/get-node/get-node.http';
import { NodeFinder } from '../../nodes/node-finder';
import { NodeLiveness } from '../node-liveness';

/** Heartbeats come every 5 s (docs/reconciliation.md): three missed ones and the agent does not answer. */
export const HEALTH_HEARTBEAT_TIMEOUT_MS = 15_000;

/** Kontena's `HostNode#websocket_error` for a node that is not connected. */
function connectionError(doc: NodeDoc): string {
  if (!doc.connection_closed) return 'Websocket is not connected';
  return `Websocket disconnected at ${doc.disconnected_at} with code ${doc.connection_closed.code}: ${doc.connection_closed.reason}`;
}

@ApiTags('nodes')
@Controller('v1/nodes')
export class NodeHealthHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly nodes: NodeFinder,
    private readonly liveness: NodeLiveness,
  ) {}

  /**
   * Kontena's `HostNodes::HealthCheck`: 422 `{"error":{"connection":…}}` for a node that is not connected,
   * else the node's etcd health over RPC (422 `{"error":{"etcd_health":…}}` when the agent did not answer).
   * No etcd runs here: `etcd_health` reports whether the agent is alive, by its heartbeat.
   */
  @Get(':grid/:node/health')
  @ApiParam(NODE_PARAM)
  @ApiOperation({ summary: "A node's health: connected, and its agent heartbeating" })
  @ApiResponse({
    status: 422,
    description: 'The node is not connected, or its agent has stopped heartbeating',
  })
  async health(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('node') node: string) {
    await this.access.member(ctx.user, grid);
    const doc = await this.nodes.find(grid, node);
    if (!doc.connected) throw new HttpProblem(422, { error: { connection: connectionError(doc) } });
    const [{ heartbeatMs }] = await this.liveness.telemetry([doc.id]);
    const silentMs = heartbeatMs === undefined ? undefined : ctx.now.getTime() - heartbeatMs;
    if (silentMs === undefined || silentMs > HEALTH_HEARTBEAT_TIMEOUT_MS) {
      const error =
        silentMs === undefined
          ? 'No heartbeat from the agent since it connected'
          : `No heartbeat from the agent for ${Math.round(silentMs / 1000)}s`;
      throw new HttpProblem(422, { error: { etcd_health: error } });
    }
    // `views/v1/host_nodes/health.json.jbuilder`
    return {
      id: doc.id,
      name: doc.name,
      node_number: doc.node_number,
      initial_member: doc.initial_member,
      status: doc.status,
      connected_at: doc.connected_at,
      disconnected_at: doc.disconnected_at,
      connected: doc.connected,
      etcd_health: { health: true, error: null },
    };
  }
}
