import type { GridEvent, NodeEvent } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import {
  GridDoc,
  gridIndexes,
  NodeDoc,
  nodeDocAfter,
  nodeDocCreated,
  nodeLookups,
  nodeRegion,
  Projection,
  ReadModelOp,
  ReadModelReader,
} from '@libs/read-model';
import { occurredAt, ops } from './projection-helpers';

type Ops = ReturnType<typeof ops>;

/** Kontena's `HostNode#peer_ips`: the other nodes' private ip within a region, public ip across regions. */
function peerIps(node: NodeDoc, nodes: readonly NodeDoc[]): string[] {
  const region = nodeRegion(node.labels);
  const ips = nodes
    .filter((n) => n.id !== node.id)
    .map((n) => (nodeRegion(n.labels) === region ? n.private_ip : n.public_ip));
  return [...new Set(ips.filter((ip): ip is string => ip !== null))];
}

const affectsPeers = (before: NodeDoc, after: NodeDoc) =>
  before.private_ip !== after.private_ip ||
  before.public_ip !== after.public_ip ||
  nodeRegion(before.labels) !== nodeRegion(after.labels);

/**
 * Writes the node (or drops it) and refreshes the peer lists of the grid's nodes that it changes: at most
 * 254 documents, and only when a node joins, leaves or changes its addresses or region.
 */
async function putWithPeers(
  reader: ReadModelReader,
  o: Ops,
  grid: string,
  node: NodeDoc | { removed: string },
  refreshPeers: boolean,
): Promise<ReadModelOp[]> {
  const id = 'removed' in node ? node.removed : node.id;
  if (!refreshPeers) return 'removed' in node ? [] : [o.putDoc('node', id, node)];
  const others = (await nodesOf(reader, grid)).filter((n) => n.id !== id);
  const nodes = ('removed' in node ? others : [...others, node]).sort(
    (a, b) => a.node_number - b.node_number,
  );
  const out: ReadModelOp[] = [];
  for (const n of nodes) {
    const peer_ips = peerIps(n, nodes);
    if (n.id === id) out.push(o.putDoc('node', id, { ...n, peer_ips }));
    else if (JSON.stringify(peer_ips) !== JSON.stringify(n.peer_ips))
      out.push(o.putDoc('node', n.id, { ...n, peer_ips }));
  }
  return out;
}

/** The grid's nodes; its index lists names (sorted), documents are keyed `<grid>/<name>`. */
async function nodesOf(reader: ReadModelReader, grid: string): Promise<NodeDoc[]> {
  const names = await reader.ids(gridIndexes.nodes(grid));
  return reader.docs<NodeDoc>(
    'node',
    names.map((name) => `${grid}/${name}`),
  );
}

/** A look-up is removed only while it still points at this node (a value may have moved on since). */
async function unlinkOwn(
  reader: ReadModelReader,
  o: Ops,
  kind: string,
  value: string | null,
  id: string,
): Promise<ReadModelOp[]> {
  if (value === null) return [];
  return (await reader.lookup(kind, value)) === id ? [o.unlink(kind, value)] : [];
}

/** Grid settings a node's JSON shows follow the grid (Kontena renders them from the grid on every read). */
async function projectGridEvent(
  envelope: RecordedEnvelope,
  reader: ReadModelReader,
  o: Ops,
): Promise<ReadModelOp[]> {
  const event = envelope.event as GridEvent;
  if (event.type !== 'GridUpdated') return [];
  const { stats, trusted_subnets, logs } = event.data;
  if (stats === undefined && trusted_subnets === undefined && logs === undefined) return [];
  const grid = envelope.streamName.slice('grid-'.length);
  const nodes = await nodesOf(reader, grid);
  return nodes.map((node) =>
    o.putDoc('node', node.id, {
      ...node,
      grid: {
        ...node.grid,
        ...(stats !== undefined && { stats }),
        ...(trusted_subnets !== undefined && { trusted_subnets }),
        ...(logs !== undefined && { logs }),
      },
    }),
  );
}

/** Nodes by `<grid>/<name>`, each grid's node list, and the look-ups agents are recognised by. */
export const nodesProjection: Projection = {
  name: 'nodes',
  async project(envelope: RecordedEnvelope, reader: ReadModelReader): Promise<ReadModelOp[]> {
    const o = ops(reader.keys);
    if (envelope.streamName.startsWith('grid-')) return projectGridEvent(envelope, reader, o);
    if (!envelope.streamName.startsWith('node-')) return [];
    const event = envelope.event as NodeEvent;
    const at = occurredAt(envelope);

    if (event.type === 'NodeCreated') {
      const doc = nodeDocCreated(event, await reader.doc<GridDoc>('grid', event.data.grid), at);
      return [
        ...(await putWithPeers(reader, o, event.data.grid, doc, true)),
        o.index(gridIndexes.nodes(event.data.grid), event.data.name),
        ...(doc.token_hash ? [o.link(nodeLookups.token, doc.token_hash, doc.id)] : []),
        ...(doc.node_id ? [o.link(nodeLookups.agentNodeId, doc.node_id, doc.id)] : []),
      ];
    }
    const id = envelope.streamName.slice('node-'.length);
    const doc = await reader.doc<NodeDoc>('node', id);
    if (!doc) return [];
    const grid = doc.grid.name;

    if (event.type === 'NodeRemoved') {
      return [
        o.dropDoc('node', id),
        o.unindex(gridIndexes.nodes(grid), doc.name),
        ...(await unlinkOwn(reader, o, nodeLookups.token, doc.token_hash, id)),
        ...(await unlinkOwn(reader, o, nodeLookups.agentNodeId, doc.node_id, id)),
        ...(await putWithPeers(reader, o, grid, { removed: id }, true)),
      ];
    }
    const next = nodeDocAfter(doc, event, at);
    const lookups: ReadModelOp[] = [];
    if (next.token_hash !== doc.token_hash) {
      lookups.push(...(await unlinkOwn(reader, o, nodeLookups.token, doc.token_hash, id)));
      if (next.token_hash) lookups.push(o.link(nodeLookups.token, next.token_hash, id));
    }
    if (next.node_id !== doc.node_id && next.node_id)
      lookups.push(o.link(nodeLookups.agentNodeId, next.node_id, id));
    return [...(await putWithPeers(reader, o, grid, next, affectsPeers(doc, next))), ...lookups];
  },
};
