import { Injectable } from '@nestjs/common';
import { NotFound } from '@libs/domain';
import { crossIndexes, GridDoc, NodeDoc, ServiceDoc, ServiceInstanceDoc } from '@libs/read-model';
import { NodeLiveness } from '../agent-data/node-liveness';
import { DomainException } from '../common/http/errors';
import { nodeId } from '../nodes/node-finder';
import { ReadModels } from '../platform/read-models';
import { ServiceView } from '../services/service.view';
import { isContainer, renderContainer } from './container.view';
import { instancesOnGridNodes } from './instances-on-nodes';

/** Reads a grid's containers (its reported-on service instances, see container.view.ts) and renders them. */
@Injectable()
export class GridContainers {
  constructor(
    private readonly readModels: ReadModels,
    private readonly liveness: NodeLiveness,
    private readonly services: ServiceView,
  ) {}

  /** Every container of the grid, by node name and then container name. */
  async ofGrid(grid: GridDoc, keep: (instance: ServiceInstanceDoc) => boolean): Promise<Record<string, unknown>[]> {
    const instances = (await instancesOnGridNodes(this.readModels.reader, grid.name))
      .filter((instance) => isContainer(instance) && keep(instance))
      .sort((a, b) => (a.node!.name === b.node!.name ? a.name.localeCompare(b.name) : a.node!.name.localeCompare(b.node!.name)));
    return this.render(grid, instances);
  }

  /** The containers of one service, by instance number. */
  async ofService(grid: GridDoc, service: ServiceDoc): Promise<Record<string, unknown>[]> {
    const instances = await this.services.instances(service.id);
    return this.render(grid, instances.filter(isContainer), [service]);
  }

  /** `GET /v1/containers/:grid/:node/:name`: 404 when no container of that name runs on that node. */
  async one(grid: GridDoc, nodeName: string, name: string): Promise<Record<string, unknown>> {
    return (await this.render(grid, [await this.instance(grid, nodeName, name)]))[0];
  }

  /** The service instance behind container `<node>/<name>` of the grid; 404 when there is none. */
  async instance(grid: GridDoc, nodeName: string, name: string): Promise<ServiceInstanceDoc> {
    const reader = this.readModels.reader;
    const ids = await reader.ids(crossIndexes.nodeInstances(nodeId(grid.name, nodeName)));
    const instance = (await reader.docs<ServiceInstanceDoc>('instance', ids)).find(
      (candidate) => candidate.name === name && isContainer(candidate),
    );
    if (!instance) throw new DomainException(new NotFound());
    return instance;
  }

  private async render(
    grid: GridDoc,
    instances: readonly ServiceInstanceDoc[],
    known: readonly ServiceDoc[] = [],
  ): Promise<Record<string, unknown>[]> {
    const reader = this.readModels.reader;
    const services = new Map(known.map((service) => [service.id, service]));
    const missing = [...new Set(instances.map((i) => i.service_id))].filter((id) => !services.has(id));
    for (const service of await reader.docs<ServiceDoc>('service', missing)) services.set(service.id, service);
    const nodeIds = [...new Set(instances.flatMap((i) => (i.node ? [i.node.id] : [])))];
    const nodes = new Map(
      (await this.liveness.current(await reader.docs<NodeDoc>('node', nodeIds))).map((node) => [node.id, node]),
    );
    return instances.map((instance) =>
      renderContainer(instance, {
        grid,
        service: services.get(instance.service_id),
        node: instance.node ? nodes.get(instance.node.id) : undefined,
      }),
    );
  }
}
