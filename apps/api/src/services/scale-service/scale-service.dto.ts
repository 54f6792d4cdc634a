import { Field } from '../../common/validation/field';

/** POST …/scale. */
export class ScaleServiceDto {
  @Field({ type: 'integer', required: true, min: 0, example: 3 }) instances!: number;
}
