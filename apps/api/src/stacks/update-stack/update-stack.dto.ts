import { StackDefinitionDto } from '../stack-definition/stack-definition.dto';

/** PUT /v1/stacks/:grid/:stack: a new stack file; a new revision only if it differs from the latest. */
export class UpdateStackDto extends StackDefinitionDto {}
