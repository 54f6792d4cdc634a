import { ErrorHash, SERVICE_NAME_PATTERN } from '@libs/domain';
import { Field } from '../../common/validation/field';
import { StackDefinitionDto } from '../stack-definition/stack-definition.dto';

export class StackParentDto {
  @Field({ type: 'string', required: true }) name!: string;
}

/** POST /v1/grids/:grid/stacks (kontena-behaviour.md §2 Stack create). */
export class CreateStackDto extends StackDefinitionDto {
  @Field({ type: 'string', required: true, matches: SERVICE_NAME_PATTERN, example: 'redis' }) name!: string;
  @Field({
    type: 'hash',
    schema: StackParentDto,
    description: 'The stack this one was installed as a dependency of',
  })
  parent?: StackParentDto;
  @Field({ type: 'string', description: 'Deprecated: use parent' }) parent_name?: string;

  get parentName(): string | null {
    return this.parent !== undefined ? this.parent.name : (this.parent_name ?? null);
  }

  validate(): ErrorHash | undefined {
    return this.parentName === this.name
      ? { parent_name: "Parent name can't be the same as name" }
      : undefined;
  }
}
