import { Injectable } from '@nestjs/common';
import { ErrorHash, serviceName, StackServiceInput } from '@libs/domain';
import { ReadModels } from '../../platform/read-models';

/** The checks of `stacks/common.rb` beyond the services themselves. */
@Injectable()
export class StackFileCheck {
  constructor(private readonly readModels: ReadModels) {}

  /** `services` must not be empty; Kontena stops there (`{"services":"stack does not specify any services"}`). */
  noServices(services: readonly StackServiceInput[]): ErrorHash | undefined {
    return services.length === 0 ? { services: 'stack does not specify any services' } : undefined;
  }

  /** On create, `expose` must name one of the stack's services. */
  exposeError(expose: string | undefined, services: readonly StackServiceInput[]): ErrorHash | undefined {
    if (expose === undefined || services.some((s) => serviceName(s) === expose)) return undefined;
    return { expose: `${expose} is not defined in the services array` };
  }

  /**
   * `validate_volumes`: only external volumes, and each must exist in the grid, keyed by the stack's name for
   * it: `{"volumes":{"vol1":{"external":"External volume foo not found"}}}`.
   */
  async volumeErrors(
    grid: string,
    volumes: readonly Record<string, unknown>[],
  ): Promise<ErrorHash | undefined> {
    const errors: ErrorHash = {};
    for (const volume of volumes) {
      const name = String(volume.name);
      const external = volume.external;
      if (!external) {
        errors[name] = 'Only external volumes supported';
      } else if (!(await this.readModels.reader.doc('volume', `${grid}/${String(external)}`))) {
        errors[name] = { external: `External volume ${String(external)} not found` };
      }
    }
    return Object.keys(errors).length ? { volumes: errors } : undefined;
  }
}
