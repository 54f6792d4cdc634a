import { ErrorHash, SERVICE_DEFAULTS, SERVICE_NAME_PATTERN, ServiceDefinition } from '@libs/domain';
import { Field } from '../../common/validation/field';
import { ServiceDefinitionDto, VolumeResolver } from '../service-definition/service-definition.dto';

/** POST /v1/grids/:grid/services (kontena-behaviour.md §2 Service create). */
export class CreateServiceDto extends ServiceDefinitionDto {
  @Field({ type: 'string', required: true, matches: SERVICE_NAME_PATTERN, example: 'redis' }) name!: string;
  @Field({ type: 'string', required: true, example: 'redis:7' }) image!: string;
  @Field({
    type: 'boolean',
    required: true,
    description: 'Instances keep their node and data; cannot change later',
  })
  stateful!: boolean;
  /** Kontena's `stack` is a model input, so a stack named in the body is refused (services land in `null`). */
  @Field({ type: 'any', description: 'Not accepted: services created here belong to no stack' })
  stack?: unknown;

  override validate(): ErrorHash | undefined {
    const errors: ErrorHash = {};
    if (this.stack !== undefined && this.stack !== null) errors.stack = "Stack isn't the right class";
    if (this.stateful && this.volumes_from?.length)
      errors.volumes_from = 'Cannot combine stateful & volumes_from';
    Object.assign(errors, super.validate());
    return Object.keys(errors).length ? errors : undefined;
  }

  /** The complete definition: Kontena's model defaults for what is not given. */
  definition(stack: string, resolveVolume?: VolumeResolver): ServiceDefinition {
    return {
      ...SERVICE_DEFAULTS,
      ...this.changes(stack, resolveVolume),
      image: this.image,
      stateful: this.stateful,
    };
  }
}
