import type { ErrorHash } from '@libs/domain';
import { Field } from '../../common/validation/field';
import { cidrError } from '../../common/validation/network';
import { GridSettingsDto } from '../grid-settings.dto';

export const DEFAULT_SUBNET = '10.81.0.0/16';
export const DEFAULT_SUPERNET = '10.80.0.0/12';

/** POST /v1/grids (kontena-behaviour.md §2 Grid create). */
export class CreateGridDto extends GridSettingsDto {
  @Field({ type: 'string', nils: true, minLength: 3, maxLength: 64, matches: /^(\w|-)+$/, description: 'A random name is chosen when absent', example: 'my-grid' })
  name?: string | null;

  @Field({ type: 'integer', min: 1, max: 7, description: 'Initial (etcd) members', example: 3 })
  initial_size?: number;

  @Field({ type: 'string', minLength: 16, maxLength: 256, description: 'A fixed grid token instead of a generated one' })
  token?: string;

  @Field({ type: 'string', example: DEFAULT_SUBNET }) subnet?: string;
  @Field({ type: 'string', example: DEFAULT_SUPERNET }) supernet?: string;

  override validate(): ErrorHash | undefined {
    for (const key of ['subnet', 'supernet'] as const) {
      const error = this[key] !== undefined ? cidrError(this[key]) : undefined;
      if (error) return { [key]: error };
    }
    return super.validate();
  }
}
