import { ENV_PATTERN } from '@libs/domain';
import { Field } from '../../common/validation/field';

/** POST …/envs (`grid_services/add_env.rb`; the `KEY=` format is checked as for a service's `env`). */
export class ServiceEnvDto {
  @Field({ type: 'string', required: true, matches: ENV_PATTERN, example: 'LOG_LEVEL=debug' }) env!: string;
}
