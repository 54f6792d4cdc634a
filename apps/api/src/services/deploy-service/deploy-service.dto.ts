import { Field } from '../../common/validation/field';

/** POST …/deploy. */
export class DeployServiceDto {
  @Field({ type: 'boolean', description: 'Move the revision so every instance is replaced' }) force?: boolean;
}
