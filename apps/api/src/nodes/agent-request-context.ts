import type { Actor } from '@libs/domain';
import { RequestContext } from '../common/http/request-context';

/** A request made by a node agent: its events are attributed to the agent, not to a user. */
export class AgentRequestContext extends RequestContext {
  constructor(
    request: RequestContext,
    private readonly agent: { nodeId: string; grid: string },
  ) {
    super(
      request.requestId,
      request.correlationId,
      request.sourceIp,
      request.userAgent,
      undefined,
      undefined,
    );
  }

  override get actor(): Actor {
    return { kind: 'node', nodeId: this.agent.nodeId, grid: this.agent.grid };
  }
}
