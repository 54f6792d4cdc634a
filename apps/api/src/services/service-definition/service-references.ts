import { Injectable } from '@nestjs/common';
import { ErrorHash, NULL_STACK, qualifyLink, StackVolume } from '@libs/domain';
import { ReadModels } from '../../platform/read-models';
import type { StackDoc } from '@libs/read-model';
import type { ServiceDefinitionDto, VolumeResolver } from './service-definition.dto';

/**
 * The checks of a service definition against other resources (`validate_links`, `validate_secrets`,
 * `validate_certificates`), read from the read models as Kontena read Mongo: without a transaction, so a
 * resource removed a moment later is not caught (kontena-behaviour.md §2).
 */
@Injectable()
export class ServiceReferences {
  constructor(private readonly readModels: ReadModels) {}

  /**
   * Errors keyed by field, each a list of the failing entries only (`validate_each`). `checkLocalLinks`
   * false skips links within the stack, which a stack checks by ordering its services instead.
   */
  async errors(
    grid: string,
    stack: string,
    input: Pick<ServiceDefinitionDto, 'links' | 'secrets' | 'certificates'>,
    checkLocalLinks = true,
  ): Promise<ErrorHash | undefined> {
    const [links, secrets, certificates] = await Promise.all([
      this.linkErrors(
        grid,
        stack,
        (input.links ?? []).filter((l) => checkLocalLinks || l.name.includes('/')).map((l) => l.name),
      ),
      this.missing(
        (input.secrets ?? []).map((s) => s.secret),
        (name) => this.exists('secret', `${grid}/${name}`),
        (name) => `Secret ${name} does not exist`,
      ),
      // No feature issues certificates yet, so any certificate is missing until one does.
      this.missing(
        (input.certificates ?? []).map((c) => c.subject),
        (subject) => this.exists('certificate', `${grid}/${subject}`),
        (subject) => `Certificate ${subject} does not exist`,
      ),
    ]);
    const errors: ErrorHash = {};
    if (links.length) errors.links = links;
    if (secrets.length) errors.secrets = secrets;
    if (certificates.length) errors.certificates = certificates;
    return Object.keys(errors).length ? errors : undefined;
  }

  /**
   * How a service's named volumes resolve: in a stack through the stack's volume list (`name` → its
   * `external` grid volume), elsewhere by their own name (`build_service_volumes`). Kontena failed with a
   * 500 for a name the stack does not list; such a name is taken as a grid volume name here.
   */
  async volumeResolver(grid: string, stack: string): Promise<VolumeResolver> {
    if (stack === NULL_STACK) return (name) => name;
    const doc = await this.readModels.reader.doc<StackDoc>('stack', `${grid}/${stack}`);
    return volumeResolverOf(doc?.volumes ?? []);
  }

  private async linkErrors(grid: string, ownStack: string, names: string[]): Promise<string[]> {
    const errors = await Promise.all(
      names.map(async (name) => {
        const link = qualifyLink(name, ownStack);
        if (link.stack !== NULL_STACK && !(await this.exists('stack', `${grid}/${link.stack}`)))
          return `Link ${link.name} points to non-existing stack`;
        if (!(await this.exists('service', `${grid}/${link.stack}/${link.service}`)))
          return `Service ${link.name} does not exist`;
        return undefined;
      }),
    );
    return errors.filter((e): e is string => e !== undefined);
  }

  private async missing(
    names: string[],
    exists: (name: string) => Promise<boolean>,
    message: (name: string) => string,
  ): Promise<string[]> {
    const found = await Promise.all(names.map(exists));
    return names.filter((_, i) => !found[i]).map(message);
  }

  private async exists(type: string, id: string): Promise<boolean> {
    return (await this.readModels.reader.doc(type, id)) !== undefined;
  }
}

export function volumeResolverOf(volumes: readonly StackVolume[]): VolumeResolver {
  return (name) => volumes.find((v) => v.name === name)?.external ?? name;
}
