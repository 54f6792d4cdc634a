import { Field } from '../../common/validation/field';
import { STACK_LABEL_PATTERN } from '../stack-definition/stack-definition.dto';

/** PATCH /v1/stacks/:grid/:stack: labels only; an empty list clears them. */
export class PatchStackDto {
  @Field({
    type: 'array',
    of: { type: 'string', matches: STACK_LABEL_PATTERN },
    example: ['fqdn=example.com'],
  })
  labels?: string[];
}
