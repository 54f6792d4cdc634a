import { Injectable } from '@nestjs/common';
import { crossIndexes, VolumeDoc } from '@libs/read-model';
import { ReadModels } from '../platform/read-models';

/** Kontena's volume JSON (`views/v1/volumes/_volume.json.jbuilder`). */
@Injectable()
export class VolumeView {
  constructor(private readonly readModels: ReadModels) {}

  async render(doc: VolumeDoc): Promise<Record<string, unknown>> {
    const services = await this.readModels.reader.ids(crossIndexes.volumeServices(doc.grid, doc.name));
    return {
      created_at: doc.created_at,
      updated_at: doc.updated_at,
      id: doc.id,
      name: doc.name,
      scope: doc.scope,
      driver: doc.driver,
      driver_opts: doc.driver_opts,
      // Volume instances (`{name, node}`) exist once agents create them on nodes (issue 4).
      instances: [],
      services: services.map((id) => ({ id })),
    };
  }
}
