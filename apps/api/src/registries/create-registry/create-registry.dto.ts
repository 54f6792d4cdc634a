import { ErrorHash, REGISTRY_URL, registryName } from '@libs/domain';
import { Field } from '../../common/validation/field';

/** POST /v1/grids/:grid/external_registries (kontena-behaviour.md §2 External registries). */
export class CreateRegistryDto {
  @Field({
    type: 'string',
    required: true,
    matches: REGISTRY_URL,
    description: 'Its host (and port unless 80/443) names the registry',
    example: 'https://registry.example.com/',
  })
  url!: string;

  @Field({ type: 'string', required: true, example: 'a_bot' }) username!: string;
  @Field({ type: 'string', required: true, description: 'Sealed with the grid key; never returned' })
  password!: string;
  /** Kontena passed `data['email']` through, so an absent email arrived as nil and was accepted. */
  @Field({ type: 'string', nils: true, example: 'a_bot@example.com' }) email?: string | null;

  /**
   * A URL that passes the filter but has no host (`https://:5000`) made Kontena's `URI.parse` fail with a
   * 500. Runs after the field checks, which may have refused `url` for not being a string.
   */
  validate(): ErrorHash | undefined {
    if (typeof this.url !== 'string') return undefined;
    return registryName(this.url) === undefined ? { url: "Url isn't in the right format" } : undefined;
  }
}
