import { crossIndexes, gridIndexes, ReadModelReader, ServiceInstanceDoc } from '@libs/read-model';
import { nodeId } from '../nodes/node-finder';

/** The instances placed on a grid's nodes, node by node: what a grid's containers are made of. */
export async function instancesOnGridNodes(reader: ReadModelReader, grid: string): Promise<ServiceInstanceDoc[]> {
  const names = await reader.ids(gridIndexes.nodes(grid));
  const perNode = await Promise.all(names.map((name) => reader.ids(crossIndexes.nodeInstances(nodeId(grid, name)))));
  return reader.docs<ServiceInstanceDoc>('instance', perNode.flat());
}
