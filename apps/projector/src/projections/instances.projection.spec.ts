import type { DomainEvent, PlacementEvent } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import {
  crossIndexes,
  InstancePodDoc,
  ReadModelKeys,
  ReadModelOp,
  ReadModelReader,
  serviceIndexes,
  ServiceInstanceDoc,
} from '@libs/read-model';
import { instancesProjection } from './instances.projection';

/** Strings and sorted sets in memory: what the instances projection writes and reads. */
class Memory {
  readonly keys = new ReadModelKeys('t:', 1);
  readonly strings = new Map<string, string>();
  readonly zsets = new Map<string, Map<string, number>>();
  private n = 0;
  readonly reader = {
    keys: this.keys,
    doc: async <T>(type: string, id: string) => this.json<T>(this.keys.doc(type, id)),
    docs: async <T>(type: string, ids: readonly string[]) =>
      ids.map((id) => this.json<T>(this.keys.doc(type, id))).filter((d): d is T => d !== undefined),
    ids: async (index: string) => [...(this.zsets.get(this.keys.index(index))?.keys() ?? [])].sort(),
  } as unknown as ReadModelReader;

  async apply(stream: string, event: DomainEvent, at = '2026-11-22T12:00:00.000Z'): Promise<void> {
    this.n++;
    const envelope: RecordedEnvelope = {
      id: `e${this.n}`,
      streamName: stream,
      revision: BigInt(this.n),
      position: { commit: BigInt(this.n), prepare: BigInt(this.n) },
      created: new Date(at),
      event,
      metadata: { actor: { kind: 'system', component: 'test' }, occurredAt: at, schemaVersion: 1 },
    };
    for (const op of await instancesProjection.project(envelope, this.reader)) this.op(op);
  }

  instance(id: string): ServiceInstanceDoc | undefined {
    return this.json(this.keys.doc('instance', id));
  }

  pod(id: string): InstancePodDoc | undefined {
    return this.json(this.keys.doc('pod', id));
  }

  index(name: string): string[] {
    return [...(this.zsets.get(this.keys.index(name))?.keys() ?? [])].sort();
  }

  private json<T>(key: string): T | undefined {
    const raw = this.strings.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  private op(op: ReadModelOp): void {
    if (op.op === 'set') this.strings.set(op.key, op.value);
    else if (op.op === 'del') {
      this.strings.delete(op.key);
      this.zsets.delete(op.key);
    } else if (op.op === 'zadd')
      this.zsets.set(op.key, (this.zsets.get(op.key) ?? new Map()).set(op.member, op.score));
    else if (op.op === 'zrem') this.zsets.get(op.key)?.delete(op.member);
    else throw new Error(`unexpected op ${op.op}`);
  }
}

const STREAM = 'placement-g/web/api';
const placed = (n: number, node: string, deploy_rev = 'd1'): PlacementEvent => ({
  type: 'InstancePlaced',
  data: {
    instance_number: n,
    node: `g/${node}`,
    node_name: node,
    deploy_rev,
    desired_state: 'running',
    pod: {
      service_name: 'web.api',
      ports: [{ node_port: 80 }, { node_port: 0 }],
      labels: { 'io.kontena.container.name': `web.api-${n}` },
    },
    at: '2026-11-22T12:00:00.000Z',
  },
});
const reported = (
  n: number,
  node: string,
  state: 'running' | 'removed',
  deploy_rev = 'd1',
): PlacementEvent => ({
  type: 'InstanceStateReported',
  data: {
    instance_number: n,
    node: `g/${node}`,
    node_name: node,
    deploy_rev,
    state,
    error: null,
    exit_code: null,
    health: 'healthy',
    ports: [{ container_port: 8080, host_port: 34001, protocol: 'tcp' }],
    reported_at: '2026-11-22T12:00:01.000Z',
  },
});

describe('instances projection', () => {
  it("builds Kontena's instance from its placement and its node's reports, and the pod its node pulls", async () => {
    const m = new Memory();
    await m.apply(STREAM, placed(1, 'n1'));
    expect(m.instance('g/web/api/1')).toMatchObject({
      desired_state: 'running',
      state: 'initialized',
      deploy_rev: 'd1',
      rev: null,
      node: { id: 'g/n1', name: 'n1' },
    });
    expect(m.instance('g/web/api/1')).toMatchObject({ name: 'web.api-1', node_ports: [80] });
    expect(m.pod('g/web/api/1')).toMatchObject({
      instanceId: 'g/web/api/1',
      deployRev: 'd1',
      desiredState: 'running',
    });
    expect(m.index(serviceIndexes.instances('g/web/api'))).toEqual(['g/web/api/1']);
    expect(m.index(crossIndexes.nodeInstances('g/n1'))).toEqual(['g/web/api/1']);

    await m.apply(STREAM, reported(1, 'n1', 'running'));
    expect(m.instance('g/web/api/1')).toMatchObject({
      state: 'running',
      rev: 'd1',
      health_status: 'healthy',
      ports: [{ host_port: 34001 }],
    });
    await m.apply(STREAM, {
      type: 'InstanceDesiredStateChanged',
      data: { instance_number: 1, desired_state: 'stopped' },
    });
    expect(m.instance('g/web/api/1')?.desired_state).toBe('stopped');
    expect(m.pod('g/web/api/1')?.desiredState).toBe('stopped');
  });

  it('moves an instance between nodes: the old node neither lists it nor speaks for it', async () => {
    const m = new Memory();
    await m.apply(STREAM, placed(1, 'n1'));
    await m.apply(STREAM, reported(1, 'n1', 'running'));
    await m.apply(STREAM, placed(1, 'n2', 'd2'));
    expect(m.instance('g/web/api/1')).toMatchObject({
      node: { id: 'g/n2' },
      state: 'initialized',
      rev: null,
      deploy_rev: 'd2',
    });
    expect(m.index(crossIndexes.nodeInstances('g/n1'))).toEqual([]);
    expect(m.index(crossIndexes.nodeInstances('g/n2'))).toEqual(['g/web/api/1']);
    await m.apply(STREAM, reported(1, 'n1', 'removed'));
    expect(m.instance('g/web/api/1')?.state).toBe('initialized');
  });

  it('drops a removed instance and its pod; an unplaced one keeps its document without a node', async () => {
    const m = new Memory();
    await m.apply(STREAM, placed(1, 'n1'));
    await m.apply(STREAM, placed(2, 'n1'));
    await m.apply(STREAM, { type: 'InstanceRemoved', data: { instance_number: 2, reason: 'scaled down' } });
    expect(m.instance('g/web/api/2')).toBeUndefined();
    expect(m.pod('g/web/api/2')).toBeUndefined();
    await m.apply(STREAM, { type: 'InstanceUnplaced', data: { instance_number: 1, request: 3 } });
    expect(m.instance('g/web/api/1')?.node).toBeNull();
    expect(m.pod('g/web/api/1')).toBeUndefined();
    expect(m.index(serviceIndexes.instances('g/web/api'))).toEqual(['g/web/api/1']);
    expect(m.index(crossIndexes.nodeInstances('g/n1'))).toEqual([]);
  });

  it("leaves a removed node's instances without a node", async () => {
    const m = new Memory();
    await m.apply(STREAM, placed(1, 'n1'));
    await m.apply('node-g/n1', { type: 'NodeRemoved', data: { grid: 'g', name: 'n1' } });
    expect(m.instance('g/web/api/1')?.node).toBeNull();
    expect(m.pod('g/web/api/1')).toBeUndefined();
    expect(m.index(crossIndexes.nodeInstances('g/n1'))).toEqual([]);
  });
});
