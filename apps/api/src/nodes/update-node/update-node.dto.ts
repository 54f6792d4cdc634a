import { NODE_AVAILABILITIES, NodeAvailability } from '@libs/domain';
import { Field } from '../../common/validation/field';

/** PUT /v1/nodes/:grid/:node: Kontena's route passes each only when truthy, so `null` leaves it alone. */
export class UpdateNodeDto {
  @Field({
    type: 'array',
    of: { type: 'string' },
    nils: true,
    description: 'Replaces all labels',
    example: ['foo=bar', 'bar=baz'],
  })
  labels?: string[] | null;

  @Field({
    type: 'string',
    in: NODE_AVAILABILITIES,
    nils: true,
    description: '`drain` moves work off the node',
  })
  availability?: NodeAvailability | null;
}
