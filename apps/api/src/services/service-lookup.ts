import { Injectable } from '@nestjs/common';
import { NotFound, serviceId } from '@libs/domain';
import type { GridDoc, ServiceDoc } from '@libs/read-model';
import { GridAccess } from '../common/auth/grid-access';
import { DomainException } from '../common/http/errors';
import type { Principal } from '../common/http/request-context';
import { ReadModels } from '../platform/read-models';

/**
 * `load_grid_service` of `routes/v1/services_api.rb`: grid membership first (404 / 403), then the service,
 * 404 `{"error":"Not found"}` when it (or its stack) does not exist.
 */
@Injectable()
export class ServiceLookup {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
  ) {}

  async find(
    user: Principal,
    grid: string,
    stack: string,
    name: string,
  ): Promise<{ grid: GridDoc; service: ServiceDoc }> {
    const gridDoc = await this.access.member(user, grid);
    const service = await this.readModels.reader.doc<ServiceDoc>('service', serviceId(grid, stack, name));
    if (!service) throw new DomainException(new NotFound());
    return { grid: gridDoc, service };
  }
}
