import { Field } from '../../common/validation/field';

/** POST /v1/users/:email/roles (kontena-behaviour.md §1; mutations/users/add_role.rb). */
export class AddUserRoleDto {
  @Field({ type: 'string', required: true, description: 'master_admin, grid_admin or user_admin', example: 'grid_admin' })
  role!: string;
}
