import { Field } from '../../common/validation/field';
import { secretNameField } from '../secret-name';

/** PUT /v1/secrets/:grid/:name (kontena-behaviour.md §9); the CLI sends `name` too. */
export class UpdateSecretDto {
  @Field({ type: 'string', required: true, example: 'T0Ps3crT' }) value!: string;
  @Field({ type: 'boolean', description: 'Create the secret when it does not exist' }) upsert?: boolean;
  @Field({ ...secretNameField, required: false, description: 'Must be the name in the path when given' })
  name?: string;
}
