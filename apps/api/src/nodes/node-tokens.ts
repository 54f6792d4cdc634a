import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { SealedValue } from '@libs/domain';
import { GridDoc, NodeDoc, nodeLookups } from '@libs/read-model';
import { DataKeyDestroyed, Vault } from '@libs/vault';
import { hashToken } from '../common/auth/token-hash';
import { ReadModels } from '../platform/read-models';

/** Kontena's `HostNode` validates token length 16..256 and reports Mongoid's message verbatim (§2 Nodes). */
export function nodeTokenLengthError(token: string): string | undefined {
  if (token.length < 16) return 'is too short (minimum is 16 characters)';
  if (token.length > 256) return 'is too long (maximum is 256 characters)';
  return undefined;
}

export const NODE_TOKEN_IN_USE = 'Node with token already exists';

/**
 * Node tokens: generated like Kontena's (`SecureRandom.base64(64)`), sealed with the grid's data key for
 * GET …/token and hashed (SHA-256) for the agent look-up; never stored or logged in plaintext.
 */
@Injectable()
export class NodeTokens {
  constructor(
    private readonly vault: Vault,
    private readonly readModels: ReadModels,
  ) {}

  generate(): string {
    return randomBytes(64).toString('base64');
  }

  seal(grid: GridDoc, node: string, token: string): { token: SealedValue; token_hash: string } {
    return {
      token: this.vault.seal(grid.data_key_id, token, purpose(grid.name, node)),
      token_hash: hashToken(token),
    };
  }

  hash(token: string): string {
    return hashToken(token);
  }

  /** The plain token, or `null` when the node has none (or its grid's key is gone). */
  open(doc: NodeDoc): string | null {
    if (!doc.token) return null;
    try {
      return this.vault.open(doc.token, purpose(doc.grid.name, doc.name));
    } catch (error) {
      if (error instanceof DataKeyDestroyed) return null;
      throw error;
    }
  }

  /** The node (`<grid>/<name>`) whose token this is, if any: Kontena keeps node tokens unique across grids. */
  holder(token: string): Promise<string | undefined> {
    return this.readModels.reader.lookup(nodeLookups.token, hashToken(token));
  }
}

/** Binds a sealed token to its node, so a sealed value copied into another node's event does not open there. */
const purpose = (grid: string, node: string) => `node-token:${grid}/${node}`;
