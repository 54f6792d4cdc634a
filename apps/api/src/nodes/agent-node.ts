import { Injectable } from '@nestjs/common';
import { AgentRefused, Forbidden } from '@libs/domain';
import type { NodeDoc } from '@libs/read-model';
import { DomainException } from '../common/http/errors';
import { AgentCredentials } from './agent-credentials';

type Headers = Record<string, string | string[] | undefined>;

/**
 * The node an agent route is about, for the agent holding that node's token (`Kontena-Node-Token`): what a node
 * runs and the secrets it reads are that node's business only. The grid token names no node: refused (4005's
 * reason, since a registered node has a node token), as is another node's token (403 Access denied).
 */
@Injectable()
export class AgentNode {
  constructor(private readonly credentials: AgentCredentials) {}

  async of(headers: Headers, grid: string, node: string): Promise<NodeDoc> {
    const identity = await this.credentials.identify(headers);
    if (identity.kind !== 'node_token') throw new DomainException(AgentRefused.nodeHasNodeToken());
    if (identity.node.id !== `${grid}/${node}`) throw new DomainException(new Forbidden());
    return identity.node;
  }
}
