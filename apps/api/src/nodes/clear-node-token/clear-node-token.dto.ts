import { Field } from '../../common/validation/field';

/** DELETE /v1/nodes/:grid/:node/token. */
export class ClearNodeTokenDto {
  @Field({ type: 'boolean', nils: true, description: "Disconnect the node's agent now" })
  reset_connection?: boolean | null;
}
