import type { ErrorHash } from '@libs/domain';
import { Field } from '../../common/validation/field';
import { nodeTokenLengthError } from '../node-tokens';

/** PUT /v1/nodes/:grid/:node/token (kontena-behaviour.md §2 Nodes UpdateToken). */
export class ResetNodeTokenDto {
  @Field({
    type: 'string',
    nils: true,
    description: 'The new token (16..256 characters); generated when absent or null',
  })
  token?: string | null;

  @Field({
    type: 'boolean',
    nils: true,
    description: "Disconnect the node's agent; it cannot reconnect with the old token",
  })
  reset_connection?: boolean | null;

  validate(): ErrorHash | undefined {
    const error = typeof this.token === 'string' ? nodeTokenLengthError(this.token) : undefined;
    return error ? { token: error } : undefined;
  }
}
