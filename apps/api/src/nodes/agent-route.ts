import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/decorators';

/**
 * What both agent routes share: no bearer token (Kontena's `soft_exclude` of `/v1/nodes/*`), Kontena's
 * token headers instead, and the refusals of agent-refusals.ts.
 */
export const AgentRoute = () =>
  applyDecorators(
    Public(),
    ApiTags('agents'),
    ApiParam({
      name: 'node_id',
      description: "The agent's node id (Kontena: the Docker engine id, `XXXX:XXXX:…`)",
    }),
    ApiHeader({
      name: 'Kontena-Grid-Token',
      required: false,
      description: "The grid's token; wins when both tokens are sent",
    }),
    ApiHeader({
      name: 'Kontena-Node-Token',
      required: false,
      description: "A node's token (GET /v1/nodes/:grid/:node/token)",
    }),
    ApiHeader({
      name: 'Kontena-Version',
      required: false,
      description: "The agent's version; must share the server's major.minor (else 400, close code 4010)",
    }),
    ApiResponse({ status: 400, description: 'Incompatible agent version (close code 4010)' }),
    ApiResponse({
      status: 401,
      description:
        'No token (4004), unknown grid token (4001) or node token (4002): `{"error": …, "close_code": …}`',
    }),
    ApiResponse({
      status: 403,
      description:
        'Grid token for a node that has a node token (4005); node token bound to another agent (4003)',
    }),
    ApiResponse({ status: 409, description: 'The agent node id belongs to another node (4006)' }),
  );
