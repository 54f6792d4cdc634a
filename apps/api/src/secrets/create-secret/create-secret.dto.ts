import { Field } from '../../common/validation/field';
import { secretNameField } from '../secret-name';

/**
 * POST /v1/grids/:grid/secrets (kontena-behaviour.md §2 Secrets). Like Kontena's mutations, the value is
 * stripped of surrounding whitespace and may not be blank.
 */
export class CreateSecretDto {
  @Field(secretNameField) name!: string;
  @Field({
    type: 'string',
    required: true,
    description: 'Sealed with the grid key before it is stored',
    example: 'T0Ps3crT',
  })
  value!: string;
}
