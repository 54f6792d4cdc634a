import { Injectable } from '@nestjs/common';
import { AGENT_CLOSE_CODES, AgentCloseCode, AgentRefused } from '@libs/domain';
import { crossLookups, GridDoc, NodeDoc, nodeLookups } from '@libs/read-model';
import { hashToken } from '../common/auth/token-hash';
import { DomainException } from '../common/http/errors';
import { ReadModels } from '../platform/read-models';
import { VERSION } from '../version';

export const GRID_TOKEN_HEADER = 'kontena-grid-token';
export const NODE_TOKEN_HEADER = 'kontena-node-token';
export const AGENT_VERSION_HEADER = 'kontena-version';

export type AgentIdentity =
  | { kind: 'grid_token'; grid: GridDoc }
  | { kind: 'node_token'; grid: GridDoc; node: NodeDoc; token_hash: string };

type Headers = Record<string, string | string[] | undefined>;

const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) || undefined;
};

const refuse = (code: AgentCloseCode, message: string) =>
  new DomainException(new AgentRefused(code, message));

/**
 * Who an agent is, from Kontena's headers (kontena-behaviour.md §7): the grid token names a grid, a node
 * token names one node. The grid token wins when both are sent, as in Kontena.
 */
@Injectable()
export class AgentCredentials {
  constructor(private readonly readModels: ReadModels) {}

  async identify(headers: Headers): Promise<AgentIdentity> {
    checkVersion(header(headers, AGENT_VERSION_HEADER));
    const reader = this.readModels.reader;
    const gridToken = header(headers, GRID_TOKEN_HEADER);
    if (gridToken) {
      const name = await reader.lookup(crossLookups.gridToken, hashToken(gridToken));
      const grid = name ? await reader.doc<GridDoc>('grid', name) : undefined;
      if (!grid) throw refuse(AGENT_CLOSE_CODES.invalidGridToken, 'Invalid grid token');
      return { kind: 'grid_token', grid };
    }
    const nodeToken = header(headers, NODE_TOKEN_HEADER);
    if (nodeToken) {
      const token_hash = hashToken(nodeToken);
      const id = await reader.lookup(nodeLookups.token, token_hash);
      const node = id ? await reader.doc<NodeDoc>('node', id) : undefined;
      const grid = node ? await reader.doc<GridDoc>('grid', node.grid.name) : undefined;
      if (!node || !grid) throw refuse(AGENT_CLOSE_CODES.invalidNodeToken, 'Invalid node token');
      return { kind: 'node_token', grid, node, token_hash };
    }
    throw refuse(AGENT_CLOSE_CODES.missingToken, 'Missing token');
  }
}

/** Kontena accepts agents of its own major.minor only (`~> x.y.0`); an agent that does not say is let in. */
function checkVersion(agentVersion: string | undefined): void {
  if (agentVersion === undefined) return;
  const majorMinor = (version: string) => version.split('.').slice(0, 2).join('.');
  if (majorMinor(agentVersion) !== majorMinor(VERSION)) {
    throw refuse(
      AGENT_CLOSE_CODES.incompatibleVersion,
      `agent version ${agentVersion} is not compatible with server version ${VERSION}`,
    );
  }
}
