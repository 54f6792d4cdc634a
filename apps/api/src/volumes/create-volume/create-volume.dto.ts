import { ErrorHash, VOLUME_SCOPES, VolumeScope } from '@libs/domain';
import { Field } from '../../common/validation/field';

/**
 * POST /v1/volumes/:grid (kontena-behaviour.md §2 Volumes). A driver with a version tag is refused by the
 * decider, together with a duplicate name, as Kontena's `validate` reported both.
 */
export class CreateVolumeDto {
  @Field({ type: 'string', required: true, in: VOLUME_SCOPES, example: 'instance' }) scope!: VolumeScope;
  @Field({ type: 'string', required: true, matches: /^(?!-)[\w-]+$/, example: 'data' }) name!: string;
  @Field({ type: 'string', required: true, description: 'Without a version tag', example: 'local' })
  driver!: string;
  @Field({
    type: 'any',
    nils: true,
    description: 'Options for the volume driver (a hash)',
    example: { size: '10G' },
  })
  driver_opts?: Record<string, unknown> | null;

  /** Kontena's `model :driver_opts, class: Hash` filter and its message. */
  validate(): ErrorHash | undefined {
    const opts = this.driver_opts;
    if (opts !== undefined && opts !== null && (typeof opts !== 'object' || Array.isArray(opts)))
      return { driver_opts: "Driver Opts isn't the right class" };
    return undefined;
  }
}
