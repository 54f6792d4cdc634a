import type { ErrorHash } from '@libs/domain';
import { Field } from '../../common/validation/field';
import { nodeTokenLengthError } from '../node-tokens';

/** Kontena's node names (`HostNodes::Create`): word characters and dashes. */
export const NODE_NAME = /^(\w|-)+$/;

/** POST /v1/grids/:grid/nodes (kontena-behaviour.md §2 Nodes create). */
export class CreateNodeDto {
  @Field({ type: 'string', required: true, matches: NODE_NAME, example: 'node-1' })
  name!: string;

  /** Kontena's route drops a `null` token (`if data['token']`), so null means "generate one". */
  @Field({
    type: 'string',
    nils: true,
    description: 'A fixed node token (16..256 characters) instead of a generated one',
  })
  token?: string | null;

  @Field({ type: 'array', of: { type: 'string' }, nils: true, example: ['region=eu-west-1', 'az=a'] })
  labels?: string[] | null;

  validate(): ErrorHash | undefined {
    const error = typeof this.token === 'string' ? nodeTokenLengthError(this.token) : undefined;
    return error ? { token: error } : undefined;
  }
}
