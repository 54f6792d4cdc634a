import { Injectable } from '@nestjs/common';
import { NotFound } from '@libs/domain';
import { NodeDoc, nodeLookups } from '@libs/read-model';
import { DomainException } from '../common/http/errors';
import { ReadModels } from '../platform/read-models';

/** A node's id `<grid>/<name>`. */
export const nodeId = (grid: string, name: string) => `${grid}/${name}`;

/** Finds the node a route names: `:node` is its name, or its agent node id when it contains `:` (kontena-behaviour.md §1). */
@Injectable()
export class NodeFinder {
  constructor(private readonly readModels: ReadModels) {}

  async find(grid: string, ref: string): Promise<NodeDoc> {
    const reader = this.readModels.reader;
    const id = ref.includes(':') ? await reader.lookup(nodeLookups.agentNodeId, ref) : nodeId(grid, ref);
    const doc = id?.startsWith(`${grid}/`) ? await reader.doc<NodeDoc>('node', id) : undefined;
    if (!doc) throw new DomainException(new NotFound());
    return doc;
  }
}
