import { Injectable } from '@nestjs/common';
import { DataKeyDestroyed, Vault } from '@libs/vault';
import { GridDoc, gridIndexes } from '@libs/read-model';
import { isContainer } from '../containers/container.view';
import { instancesOnGridNodes } from '../containers/instances-on-nodes';
import type { Principal } from '../common/http/request-context';
import { ReadModels } from '../platform/read-models';

export const gridTokenPurpose = (grid: string) => `grid-token:${grid}`;

/** Kontena's grid JSON (`views/v1/grids/_grid.json.jbuilder`) rendered from the read model. */
@Injectable()
export class GridView {
  constructor(
    private readonly readModels: ReadModels,
    private readonly vault: Vault,
  ) {}

  async render(doc: GridDoc, viewer: Principal): Promise<Record<string, unknown>> {
    const reader = this.readModels.reader;
    const [nodeCount, serviceCount, containerCount] = await Promise.all([
      reader.count(gridIndexes.nodes(doc.name)),
      reader.count(gridIndexes.services(doc.name)),
      this.containerCount(doc.name),
    ]);
    return {
      id: doc.id,
      name: doc.name,
      token: this.token(doc, viewer),
      initial_size: doc.initial_size,
      stats: { statsd: doc.stats.statsd },
      default_affinity: doc.default_affinity,
      trusted_subnets: doc.trusted_subnets,
      node_count: nodeCount,
      service_count: serviceCount,
      container_count: containerCount,
      user_count: doc.users.length,
      subnet: doc.subnet,
      supernet: doc.supernet,
      ...(doc.logs ? { logs: { forwarder: doc.logs.forwarder, opts: doc.logs.opts } } : {}),
    };
  }

  /** The grid's containers (instances its nodes report on, containers/container.view.ts), node by node. */
  private async containerCount(grid: string): Promise<number> {
    return (await instancesOnGridNodes(this.readModels.reader, grid)).filter(isContainer).length;
  }

  /**
   * Kontena showed the grid token, which lets any machine join the grid, to every grid user
   * (kontena-behaviour.md "quirks"). We show it to those who may administer the grid; others get null.
   */
  private token(doc: GridDoc, viewer: Principal): string | null {
    const admin = viewer.roles.includes('master_admin') || (viewer.roles.includes('grid_admin') && doc.users.includes(viewer.email));
    if (!admin) return null;
    try {
      return this.vault.open(doc.token, gridTokenPurpose(doc.name));
    } catch (error) {
      if (error instanceof DataKeyDestroyed) return null;
      throw error;
    }
  }
}
