import { Injectable } from '@nestjs/common';
import { crossIndexes, SecretDoc } from '@libs/read-model';
import { ReadModels } from '../platform/read-models';

/** Binds a sealed value to the one secret it belongs to: copied into another secret's event, it does not open. */
export const secretPurpose = (grid: string, name: string) => `secret:${grid}/${name}`;

/** Kontena's secret JSON (`views/v1/grid_secrets/{index,show}.json.jbuilder`, kontena-behaviour.md §9). */
@Injectable()
export class SecretView {
  constructor(private readonly readModels: ReadModels) {}

  /** A list entry: never the value. */
  async summary(doc: SecretDoc): Promise<Record<string, unknown>> {
    return {
      id: doc.id,
      name: doc.name,
      created_at: doc.created_at,
      updated_at: doc.updated_at,
      services: await this.services(doc),
    };
  }

  /** The single secret with its value (Kontena's show view has no `updated_at`). */
  async withValue(doc: SecretDoc, value: string): Promise<Record<string, unknown>> {
    return {
      id: doc.id,
      name: doc.name,
      created_at: doc.created_at,
      value,
      services: await this.services(doc),
    };
  }

  /** Services using the secret, from the index the services feature maintains; a service id ends in its name. */
  private async services(doc: SecretDoc): Promise<{ id: string; name: string }[]> {
    const ids = await this.readModels.reader.ids(crossIndexes.secretServices(doc.grid, doc.name));
    return ids.map((id) => ({ id, name: id.slice(id.lastIndexOf('/') + 1) }));
  }
}
