import { Field } from '../../../common/validation/field';

/** POST /v1/grids/:grid/users; an absent email finds no user (404), as in Kontena's route. */
export class AssignGridUserDto {
  @Field({ type: 'string', nils: true, example: 'alice@example.com' })
  email?: string | null;
}
