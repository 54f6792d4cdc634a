import type { StackRevisionData, StackServiceInput, StackVolume } from '@libs/domain';
import { Field } from '../../common/validation/field';

export const STACK_LABEL_PATTERN = /^[a-z0-9.-]+=/;

/** `stacks/common.rb#common_validations`: what a stack file carries, for create and update. */
export class StackDefinitionDto {
  @Field({
    type: 'string',
    required: true,
    description: 'Stack file name in the registry',
    example: 'my/redis',
  })
  stack!: string;
  @Field({ type: 'string', required: true, example: '0.1.0' }) version!: string;
  @Field({ type: 'string', required: true, description: 'The stack file as written' }) source!: string;
  @Field({
    type: 'array',
    required: true,
    of: { type: 'hash' },
    description: 'Service definitions, as for POST /v1/grids/:grid/services',
  })
  services!: StackServiceInput[];
  @Field({ type: 'string', description: 'The service the stack exposes to the grid' }) expose?: string;
  @Field({ type: 'string', example: 'file://' }) registry?: string;
  @Field({ type: 'hash' }) variables?: Record<string, unknown>;
  @Field({
    type: 'array',
    of: { type: 'string', matches: STACK_LABEL_PATTERN },
    example: ['fqdn=example.com'],
  })
  labels?: string[];
  @Field({ type: 'hash' }) metadata?: Record<string, unknown>;
  @Field({
    type: 'array',
    of: { type: 'hash' },
    description: 'Stack volumes: `{name, external}` naming an existing grid volume',
    example: [{ name: 'data', external: 'redis-data' }],
  })
  volumes?: Record<string, unknown>[];

  /** The revision a stack file makes (`StackRevision`); services in link order, as given otherwise. */
  revision(orderedServices: StackServiceInput[]): StackRevisionData {
    return {
      stack: this.stack,
      version: this.version,
      source: this.source,
      registry: this.registry ?? null,
      expose: this.expose ?? null,
      variables: this.variables ?? {},
      metadata: this.metadata ?? {},
      services: orderedServices,
      volumes: stackVolumes(this.volumes ?? []),
    };
  }
}

/** Stack volumes as recorded, once checked (each names an external grid volume). */
export function stackVolumes(volumes: Record<string, unknown>[]): StackVolume[] {
  return volumes.map((v) => ({ name: String(v.name), external: String(v.external) }));
}
