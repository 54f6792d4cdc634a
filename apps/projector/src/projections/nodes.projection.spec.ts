import type { DomainEvent, GridEvent, NodeEvent } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import { NodeDoc, nodeLookups, ReadModelKeys, ReadModelOp, ReadModelReader } from '@libs/read-model';
import { gridsProjection } from './grids.projection';
import { nodesProjection } from './nodes.projection';

/** Just enough of Redis for projections: strings and sorted sets, ops applied in order. */
class MemoryReadModels {
  readonly keys = new ReadModelKeys('t:', 1);
  private readonly strings = new Map<string, string>();
  private readonly zsets = new Map<string, Map<string, number>>();
  private readonly revisions = new Map<string, bigint>();
  private position = 0n;

  readonly reader = {
    keys: this.keys,
    doc: async <T>(type: string, id: string) => this.json<T>(this.keys.doc(type, id)),
    docs: async <T>(type: string, ids: readonly string[]) =>
      ids.map((id) => this.json<T>(this.keys.doc(type, id))).filter((d): d is T => d !== undefined),
    ids: async (index: string) =>
      [...(this.zsets.get(this.keys.index(index)) ?? new Map<string, number>()).entries()]
        .sort(([a, x], [b, y]) => x - y || (a < b ? -1 : a > b ? 1 : 0))
        .map(([m]) => m),
    lookup: async (kind: string, value: string) => this.strings.get(this.keys.lookup(kind, value)),
  } as unknown as ReadModelReader;

  async append(stream: string, event: DomainEvent, at = '2026-11-22T12:00:00.000Z'): Promise<void> {
    const revision = (this.revisions.get(stream) ?? -1n) + 1n;
    this.revisions.set(stream, revision);
    this.position += 1n;
    const envelope: RecordedEnvelope = {
      id: `e${this.position}`,
      streamName: stream,
      revision,
      position: { commit: this.position, prepare: this.position },
      created: new Date(at),
      event,
      metadata: { actor: { kind: 'system', component: 'test' }, occurredAt: at, schemaVersion: 1 },
    };
    const ops: ReadModelOp[] = [];
    for (const projection of [gridsProjection, nodesProjection])
      ops.push(...(await projection.project(envelope, this.reader)));
    for (const op of ops) this.apply(op);
  }

  node(id: string): NodeDoc | undefined {
    return this.json<NodeDoc>(this.keys.doc('node', id));
  }

  lookup(kind: string, value: string): string | undefined {
    return this.strings.get(this.keys.lookup(kind, value));
  }

  private json<T>(key: string): T | undefined {
    const raw = this.strings.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  private apply(op: ReadModelOp): void {
    switch (op.op) {
      case 'set':
        this.strings.set(op.key, op.value);
        break;
      case 'del':
        this.strings.delete(op.key);
        this.zsets.delete(op.key);
        break;
      case 'zadd':
        this.zsets.set(op.key, (this.zsets.get(op.key) ?? new Map()).set(op.member, op.score));
        break;
      case 'zrem':
        this.zsets.get(op.key)?.delete(op.member);
        break;
      default:
        throw new Error(`op ${op.op} not expected from the nodes projection`);
    }
  }
}

const sealed = { key_id: 'k1', alg: 'A256GCM' as const, iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const gridCreated: GridEvent = {
  type: 'GridCreated',
  data: {
    name: 'g',
    initial_size: 2,
    subnet: '10.81.0.0/16',
    supernet: '10.80.0.0/12',
    data_key_id: 'k1',
    token: sealed,
    token_hash: 'gh',
    users: ['admin'],
    default_affinity: [],
    trusted_subnets: [],
    stats: { statsd: null },
    logs: null,
  },
};
const nodeCreated = (
  name: string,
  number: number,
  extra: { token_hash?: string; agent?: string; labels?: string[] } = {},
): NodeEvent => ({
  type: 'NodeCreated',
  data: {
    grid: 'g',
    name,
    node_number: number,
    initial_member: number <= 2,
    overlay_ip: `10.81.0.${number}`,
    labels: extra.labels ?? [],
    token: extra.token_hash ? sealed : null,
    token_hash: extra.token_hash ?? null,
    agent_node_id: extra.agent ?? null,
  },
});
const ips = (private_ip: string, public_ip: string): NodeEvent => ({
  type: 'NodeInfoReported',
  data: { private_ip, public_ip },
});

describe('nodes projection', () => {
  let rm: MemoryReadModels;
  beforeEach(async () => {
    rm = new MemoryReadModels();
    await rm.append('grid-g', gridCreated);
  });

  it('renders a created node with its grid, status `created` and its token look-up', async () => {
    await rm.append(
      'node-g/a',
      nodeCreated('a', 1, { token_hash: 'th', labels: ['az=1'] }),
      '2026-11-22T12:01:00.000Z',
    );
    expect(rm.node('g/a')).toMatchObject({
      id: 'g/a',
      name: 'a',
      node_id: null,
      node_number: 1,
      initial_member: true,
      overlay_ip: '10.81.0.1',
      status: 'created',
      has_token: true,
      labels: ['az=1'],
      created_at: '2026-11-22T12:01:00.000Z',
      grid: {
        id: 'g',
        name: 'g',
        initial_size: 2,
        subnet: '10.81.0.0/16',
        supernet: '10.80.0.0/12',
        trusted_subnets: [],
        stats: { statsd: null },
        logs: null,
      },
      resource_usage: null,
    });
    expect(rm.lookup(nodeLookups.token, 'th')).toBe('g/a');
    expect(await rm.reader.ids('grid:g:nodes')).toEqual(['a']);
  });

  it('follows an agent through its statuses: created, connecting, online, drain, offline', async () => {
    await rm.append('node-g/a', nodeCreated('a', 1, { token_hash: 'th' }));
    const status = () => rm.node('g/a')!.status;
    await rm.append('node-g/a', { type: 'NodeAgentBound', data: { agent_node_id: 'A:1' } });
    expect([status(), rm.lookup(nodeLookups.agentNodeId, 'A:1')]).toEqual(['offline', 'g/a']);
    await rm.append('node-g/a', {
      type: 'NodeConnected',
      data: { connected_at: '2026-11-22T12:05:00.000Z' },
    });
    expect([status(), rm.node('g/a')!.last_seen_at]).toEqual(['connecting', '2026-11-22T12:05:00.000Z']);
    await rm.append('node-g/a', { type: 'NodeInfoReported', data: { cpus: 2 } });
    expect([status(), rm.node('g/a')!.cpus]).toEqual(['online', 2]);
    await rm.append('node-g/a', { type: 'NodeAvailabilityChanged', data: { availability: 'drain' } });
    expect(status()).toBe('drain');
    await rm.append('node-g/a', {
      type: 'NodeDisconnected',
      data: { disconnected_at: '2026-11-22T12:09:00.000Z', code: 4031, reason: 'node token reset' },
    });
    expect([status(), rm.node('g/a')!.connection_closed]).toEqual([
      'offline',
      { code: 4031, reason: 'node token reset' },
    ]);
  });

  it('gives each node its peers: private ips within a region, public ips across, no duplicates (kontena-behaviour.md §7)', async () => {
    await rm.append('node-g/a', nodeCreated('a', 1, { agent: 'A:1', labels: ['region=eu'] }));
    await rm.append('node-g/b', nodeCreated('b', 2, { agent: 'B:1', labels: ['region=eu'] }));
    await rm.append('node-g/c', nodeCreated('c', 3, { agent: 'C:1', labels: ['region=us'] }));
    await rm.append('node-g/d', nodeCreated('d', 4, { agent: 'D:1', labels: ['region=eu'] }));
    await rm.append('node-g/a', ips('10.0.0.1', '1.1.1.1'));
    await rm.append('node-g/b', ips('10.0.0.2', '2.2.2.2'));
    await rm.append('node-g/c', ips('10.0.0.3', '3.3.3.3'));
    await rm.append('node-g/d', ips('10.0.0.2', '4.4.4.4'));
    expect(rm.node('g/a')!.peer_ips).toEqual(['10.0.0.2', '3.3.3.3']);
    expect(rm.node('g/c')!.peer_ips).toEqual(['1.1.1.1', '2.2.2.2', '4.4.4.4']);

    await rm.append('node-g/c', { type: 'NodeLabelsChanged', data: { labels: ['region=eu'] } });
    expect(rm.node('g/a')!.peer_ips).toEqual(['10.0.0.2', '10.0.0.3']);

    await rm.append('node-g/b', { type: 'NodeRemoved', data: { grid: 'g', name: 'b' } });
    await rm.append('node-g/d', { type: 'NodeRemoved', data: { grid: 'g', name: 'd' } });
    expect(rm.node('g/a')!.peer_ips).toEqual(['10.0.0.3']);
    expect(rm.node('g/b')).toBeUndefined();
    expect(rm.lookup(nodeLookups.agentNodeId, 'B:1')).toBeUndefined();
    expect(await rm.reader.ids('grid:g:nodes')).toEqual(['a', 'c']);
  });

  it('moves the token look-up with the token and drops it when cleared', async () => {
    await rm.append('node-g/a', nodeCreated('a', 1, { token_hash: 'old' }));
    await rm.append('node-g/a', { type: 'NodeTokenChanged', data: { token: sealed, token_hash: 'new' } });
    expect([rm.lookup(nodeLookups.token, 'old'), rm.lookup(nodeLookups.token, 'new')]).toEqual([
      undefined,
      'g/a',
    ]);
    await rm.append('node-g/a', { type: 'NodeTokenCleared', data: {} });
    expect([rm.lookup(nodeLookups.token, 'new'), rm.node('g/a')!.has_token, rm.node('g/a')!.token]).toEqual([
      undefined,
      false,
      null,
    ]);
  });

  it('shows grid settings changes in every node of the grid, and ignores the rest', async () => {
    await rm.append('node-g/a', nodeCreated('a', 1));
    await rm.append('node-g/b', nodeCreated('b', 2));
    await rm.append('grid-g', {
      type: 'GridUpdated',
      data: { trusted_subnets: ['10.0.0.0/8'], stats: { statsd: { server: 's', port: 8125 } } },
    });
    await rm.append('grid-g', { type: 'GridUpdated', data: { default_affinity: ['label==x'] } });
    for (const id of ['g/a', 'g/b']) {
      expect(rm.node(id)!.grid).toMatchObject({
        trusted_subnets: ['10.0.0.0/8'],
        stats: { statsd: { server: 's', port: 8125 } },
        initial_size: 2,
      });
    }
  });
});
