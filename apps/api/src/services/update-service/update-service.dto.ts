import type { ServiceChanges } from '@libs/domain';
import { Field } from '../../common/validation/field';
import { ServiceDefinitionDto, VolumeResolver } from '../service-definition/service-definition.dto';

/** PUT /v1/services/:grid/:stack/:service: only given attributes change; `name` and `stateful` cannot. */
export class UpdateServiceDto extends ServiceDefinitionDto {
  @Field({ type: 'string', example: 'redis:7.2' }) image?: string;
  @Field({
    type: 'boolean',
    description: 'Move the revision even if nothing changed (instances are replaced)',
  })
  force?: boolean;

  override changes(stack: string, resolveVolume?: VolumeResolver): ServiceChanges {
    const changes = super.changes(stack, resolveVolume);
    return this.image === undefined ? changes : { ...changes, image: this.image };
  }
}
