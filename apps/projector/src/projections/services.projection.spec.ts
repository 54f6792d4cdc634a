import { DomainEvent, SERVICE_DEFAULTS } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import {
  crossIndexes,
  DEPLOY_INSTANCES,
  DeployDoc,
  deployWithInstances,
  FINISHED_DEPLOYS_KEPT,
  gridIndexes,
  ReadModelKeys,
  ReadModelOp,
  ReadModelReader,
  ServiceDoc,
  StackDeployDoc,
  stackIndexes,
} from '@libs/read-model';
import { servicesProjection } from './services.projection';
import { stacksProjection } from './stacks.projection';

/** The read models in memory: just enough of Redis for projections to read what they wrote. */
class MemoryReadModels {
  readonly keys = new ReadModelKeys('test:', 1);
  readonly strings = new Map<string, string>();
  readonly sets = new Map<string, Map<string, number>>();
  readonly hashes = new Map<string, Map<string, string>>();
  private readonly revisions = new Map<string, bigint>();
  /** Stream-revision keys the projections deleted (the guard's own keys are not modelled here). */
  readonly forgotten: string[] = [];
  private position = 0;

  readonly reader = {
    keys: this.keys,
    doc: async (type: string, id: string) => {
      const raw = this.strings.get(this.keys.doc(type, id));
      return raw === undefined ? undefined : JSON.parse(raw);
    },
    ids: async (index: string) =>
      [...(this.sets.get(this.keys.index(index)) ?? new Map()).entries()]
        .sort(([a, x], [b, y]) => x - y || a.localeCompare(b))
        .map(([member]) => member),
    field: async (kind: string, id: string, field: string) => this.hashes.get(this.keys.hash(kind, id))?.get(field),
  } as unknown as ReadModelReader;

  async append(stream: string, event: DomainEvent, at = '2026-11-22T12:00:00.000Z'): Promise<void> {
    this.position += 1;
    const revision = (this.revisions.get(stream) ?? -1n) + 1n;
    this.revisions.set(stream, revision);
    const envelope: RecordedEnvelope = {
      id: `e${this.position}`,
      streamName: stream,
      revision,
      position: { commit: BigInt(this.position), prepare: BigInt(this.position) },
      created: new Date(at),
      event,
      metadata: { actor: { kind: 'system', component: 'test' }, occurredAt: at, schemaVersion: 1 },
    };
    for (const projection of [stacksProjection, servicesProjection])
      this.apply(await projection.project(envelope, this.reader));
  }

  doc<T>(type: string, id: string): T | undefined {
    const raw = this.strings.get(this.keys.doc(type, id));
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  /** A deploy as the api reads it: the document and its instance deploys. */
  deploy(id: string): DeployDoc | undefined {
    const stored = this.doc<DeployDoc>('deploy', id);
    const fields = Object.fromEntries(this.hashes.get(this.keys.hash(DEPLOY_INSTANCES, id)) ?? []);
    return stored && deployWithInstances(stored, fields);
  }

  /** An index's members in Redis's order: by score, then by member. */
  orderedMembers(index: string): string[] {
    return [...(this.sets.get(this.keys.index(index)) ?? new Map<string, number>()).entries()]
      .sort(([a, x], [b, y]) => x - y || a.localeCompare(b))
      .map(([member]) => member);
  }

  members(index: string): string[] {
    return [...(this.sets.get(this.keys.index(index))?.keys() ?? [])].sort();
  }

  private apply(ops: readonly ReadModelOp[]): void {
    for (const op of ops) {
      if (op.op === 'set') this.strings.set(op.key, op.value);
      else if (op.op === 'del' && op.key.startsWith(this.keys.streamRevision(''))) this.forgotten.push(op.key);
      else if (op.op === 'del') {
        this.strings.delete(op.key);
        this.sets.delete(op.key);
        this.hashes.delete(op.key);
      } else if (op.op === 'hset') {
        if (!this.hashes.has(op.key)) this.hashes.set(op.key, new Map());
        this.hashes.get(op.key)!.set(op.field, op.value);
      } else if (op.op === 'zadd') {
        if (!this.sets.has(op.key)) this.sets.set(op.key, new Map());
        this.sets.get(op.key)!.set(op.member, op.score);
      } else if (op.op === 'zrem') this.sets.get(op.key)?.delete(op.member);
      else throw new Error(`unexpected op ${op.op}`);
    }
  }
}

const definition = { ...SERVICE_DEFAULTS, image: 'app:1', stateful: false };
const created = (name: string, extra: object = {}) => ({
  type: 'ServiceCreated',
  data: { grid: 'g', stack: 'web', name, ...definition, revision: 1, stack_revision: null, ...extra },
});

describe('services and stacks projections', () => {
  it('keeps the service document and the indexes other features read', async () => {
    const rm = new MemoryReadModels();
    await rm.append('service-g/web/db', created('db'));
    await rm.append(
      'service-g/web/api',
      created('api', {
        secrets: [{ secret: 'PW', name: 'PASSWORD', type: 'env' }],
        volumes: [{ bind_mount: null, volume: 'data', path: '/data', flags: '' }],
        links: [{ name: 'web/db', alias: 'db' }],
      }),
    );
    expect(rm.doc<ServiceDoc>('service', 'g/web/api')).toMatchObject({
      id: 'g/web/api',
      state: 'initialized',
      revision: 1,
    });
    expect(rm.members(gridIndexes.services('g'))).toEqual(['g/web/api', 'g/web/db']);
    expect(rm.members(crossIndexes.stackServices('g', 'web'))).toEqual(['g/web/api', 'g/web/db']);
    expect(rm.members(crossIndexes.secretServices('g', 'PW'))).toEqual(['g/web/api']);
    expect(rm.members(crossIndexes.volumeServices('g', 'data'))).toEqual(['g/web/api']);
    expect(rm.members(crossIndexes.serviceLinkedFrom('g/web/db'))).toEqual(['g/web/api']);

    // An update moves the references: the old secret and link are dropped, the new ones indexed.
    await rm.append('service-g/web/api', {
      type: 'ServiceUpdated',
      data: {
        changes: { secrets: [{ secret: 'TOKEN', name: 'TOKEN', type: 'env' }], links: [] },
        revision: 2,
      },
    });
    expect(rm.members(crossIndexes.secretServices('g', 'PW'))).toEqual([]);
    expect(rm.members(crossIndexes.secretServices('g', 'TOKEN'))).toEqual(['g/web/api']);
    expect(rm.members(crossIndexes.serviceLinkedFrom('g/web/db'))).toEqual([]);
    expect(rm.members(crossIndexes.volumeServices('g', 'data'))).toEqual(['g/web/api']);
    expect(rm.doc<ServiceDoc>('service', 'g/web/api')?.revision).toBe(2);

    await rm.append('service-g/web/api', { type: 'ServiceEnvAdded', data: { env: 'A=1', revision: 3 } });
    await rm.append('service-g/web/api', { type: 'ServiceStopped', data: {} });
    expect(rm.doc<ServiceDoc>('service', 'g/web/api')).toMatchObject({
      env: ['A=1'],
      revision: 3,
      state: 'stopped',
    });
  });

  it('follows a deploy from its request through the reconciler progress events', async () => {
    const rm = new MemoryReadModels();
    await rm.append('service-g/web/api', created('api'));
    await rm.append(
      'service-g/web/api',
      {
        type: 'ServiceDeployRequested',
        data: { deploy_id: 'd1', stack_deploy_id: null, force: false, revision: 1 },
      },
      '2026-11-22T12:01:00.000Z',
    );
    expect(rm.deploy('d1')).toMatchObject({
      state: 'created',
      created_at: '2026-11-22T12:01:00.000Z',
      service_id: 'g/web/api',
      instance_deploys: [],
    });
    expect(rm.doc<ServiceDoc>('service', 'g/web/api')).toMatchObject({
      state: 'running',
      deploy_requested_at: '2026-11-22T12:01:00.000Z',
    });
    expect(rm.members(crossIndexes.serviceDeploys('g/web/api'))).toEqual(['d1']);
    expect(rm.members(crossIndexes.serviceUnfinishedDeploys('g/web/api'))).toEqual(['d1']);

    await rm.append('deploy-d1', { type: 'ServiceDeployQueued', data: {} }, '2026-11-22T12:01:01.000Z');
    await rm.append('deploy-d1', { type: 'ServiceDeployStarted', data: {} }, '2026-11-22T12:01:02.000Z');
    await rm.append('deploy-d1', {
      type: 'InstanceDeployStarted',
      data: { instance_number: 1, node: 'node-1', deploy_rev: '2026-11-22T12:01:02.000Z' },
    });
    await rm.append('deploy-d1', {
      type: 'InstanceDeployFinished',
      data: { instance_number: 1, state: 'error', error: 'image not found' },
    });
    expect(rm.deploy('d1')).toMatchObject({
      state: 'ongoing',
      queued_at: '2026-11-22T12:01:01.000Z',
      started_at: '2026-11-22T12:01:02.000Z',
      instance_deploys: [{ instance_number: 1, node: 'node-1', state: 'error', error: 'image not found' }],
    });
    await rm.append(
      'deploy-d1',
      {
        type: 'ServiceDeployFinished',
        data: { state: 'error', reason: 'halting deploy of g/web/api, one or more instances failed' },
      },
      '2026-11-22T12:02:00.000Z',
    );
    expect(rm.deploy('d1')).toMatchObject({
      state: 'error',
      finished_at: '2026-11-22T12:02:00.000Z',
      reason: expect.stringContaining('halting'),
    });
    expect(rm.members(crossIndexes.serviceUnfinishedDeploys('g/web/api'))).toEqual([]);
    expect(rm.members(crossIndexes.serviceFinishedDeploys('g/web/api'))).toEqual(['d1']);

    await rm.append('service-g/web/api', {
      type: 'ServiceDeployRequested',
      data: { deploy_id: 'd2', stack_deploy_id: null, force: false, revision: 1 },
    });
    await rm.append('deploy-d2', {
      type: 'ServiceDeployAborted',
      data: { reason: 'service is not running' },
    });
    expect(rm.deploy('d2')).toMatchObject({
      state: 'error',
      reason: 'service is not running',
      started_at: null,
    });
  });

  it("writes each instance deploy on its own, never the deploy's other instances again", async () => {
    const rm = new MemoryReadModels();
    await rm.append('service-g/web/api', created('api'));
    await rm.append('service-g/web/api', {
      type: 'ServiceDeployRequested',
      data: { deploy_id: 'd1', stack_deploy_id: null, force: false, revision: 1 },
    });
    await rm.append('deploy-d1', { type: 'ServiceDeployStarted', data: {} });
    const before = rm.strings.get(rm.keys.doc('deploy', 'd1'));
    for (const n of [3, 1, 2]) {
      await rm.append('deploy-d1', {
        type: 'InstanceDeployStarted',
        data: { instance_number: n, node: `node-${n}`, deploy_rev: 'r' },
      });
    }
    await rm.append('deploy-d1', {
      type: 'InstanceDeployFinished',
      data: { instance_number: 1, state: 'success', error: null },
    });
    // Instance 3 started again (a retry): it moves behind the others, ongoing again.
    await rm.append('deploy-d1', {
      type: 'InstanceDeployFinished',
      data: { instance_number: 3, state: 'error', error: 'port 80 never opened' },
    });
    await rm.append('deploy-d1', {
      type: 'InstanceDeployStarted',
      data: { instance_number: 3, node: 'node-4', deploy_rev: 'r' },
    });
    // A finish without a start changes nothing.
    await rm.append('deploy-d1', {
      type: 'InstanceDeployFinished',
      data: { instance_number: 9, state: 'success', error: null },
    });
    expect(rm.deploy('d1')?.instance_deploys).toEqual([
      { instance_number: 1, node: 'node-1', state: 'success', error: null },
      { instance_number: 2, node: 'node-2', state: 'ongoing', error: null },
      { instance_number: 3, node: 'node-4', state: 'ongoing', error: null },
    ]);
    // The deploy's own document was not rewritten by any of its instances' events.
    expect(rm.strings.get(rm.keys.doc('deploy', 'd1'))).toBe(before);
  });

  it("keeps a service's newest finished deploys and never an unfinished one, however many queue up", async () => {
    const rm = new MemoryReadModels();
    const api = 'g/web/api';
    await rm.append('service-g/web/api', created('api'));
    const request = (n: number) =>
      rm.append('service-g/web/api', {
        type: 'ServiceDeployRequested',
        data: { deploy_id: `d${n}`, stack_deploy_id: null, force: false, revision: 1 },
      });
    const serviceDoc = () => rm.strings.get(rm.keys.doc('service', api))!;
    await request(0);
    const sizeWithOneQueued = serviceDoc().length;
    // The reconciler is away: deploys queue up, and the service document does not grow with them.
    for (let n = 1; n <= FINISHED_DEPLOYS_KEPT + 4; n++) await request(n);
    expect(serviceDoc().length).toBe(sizeWithOneQueued);
    expect(rm.members(crossIndexes.serviceUnfinishedDeploys(api))).toHaveLength(FINISHED_DEPLOYS_KEPT + 5);

    // d0 … d{KEPT+2} finish in order, d{KEPT+3} and d{KEPT+4} stay unfinished.
    for (let n = 0; n <= FINISHED_DEPLOYS_KEPT + 2; n++) {
      await rm.append(`deploy-d${n}`, {
        type: 'InstanceDeployStarted',
        data: { instance_number: 1, node: 'node-1', deploy_rev: 'r' },
      });
      await rm.append(`deploy-d${n}`, { type: 'ServiceDeployFinished', data: { state: 'success', reason: null } });
    }
    const kept = Array.from({ length: FINISHED_DEPLOYS_KEPT }, (_, i) => `d${i + 3}`);
    const queued = [`d${FINISHED_DEPLOYS_KEPT + 3}`, `d${FINISHED_DEPLOYS_KEPT + 4}`];
    // All in the same millisecond: the oldest are told by the order they finished in, not by their ids.
    expect(rm.orderedMembers(crossIndexes.serviceFinishedDeploys(api))).toEqual(kept);
    expect(rm.members(crossIndexes.serviceUnfinishedDeploys(api))).toEqual([...queued].sort());
    expect(rm.members(crossIndexes.serviceDeploys(api))).toEqual([...kept, ...queued].sort());
    for (const gone of ['d0', 'd1', 'd2']) {
      expect(rm.doc('deploy', gone)).toBeUndefined();
      expect(rm.hashes.has(rm.keys.hash(DEPLOY_INSTANCES, gone))).toBe(false);
      expect(rm.forgotten).toContain(rm.keys.streamRevision(`deploy-${gone}`));
    }
    expect(rm.forgotten).not.toContain(rm.keys.streamRevision('deploy-d3'));
    expect(rm.deploy('d3')).toMatchObject({ state: 'success', instance_deploys: [{ instance_number: 1 }] });
    expect(rm.deploy(queued[0])).toMatchObject({ state: 'created' });
  });

  it('drops a removed service with its deploys and references', async () => {
    const rm = new MemoryReadModels();
    await rm.append(
      'service-g/web/api',
      created('api', { secrets: [{ secret: 'PW', name: 'PW', type: 'env' }] }),
    );
    await rm.append('service-g/web/api', {
      type: 'ServiceDeployRequested',
      data: { deploy_id: 'd1', stack_deploy_id: null, force: false, revision: 1 },
    });
    await rm.append('deploy-d1', {
      type: 'InstanceDeployStarted',
      data: { instance_number: 1, node: 'node-1', deploy_rev: 'r' },
    });
    expect(rm.hashes.size).toBe(1);
    await rm.append('service-g/web/api', {
      type: 'ServiceRemoved',
      data: { grid: 'g', stack: 'web', name: 'api' },
    });
    expect(rm.doc('service', 'g/web/api')).toBeUndefined();
    expect(rm.doc('deploy', 'd1')).toBeUndefined();
    expect(rm.hashes.size).toBe(0);
    expect(rm.members(gridIndexes.services('g'))).toEqual([]);
    expect(rm.members(crossIndexes.stackServices('g', 'web'))).toEqual([]);
    expect(rm.members(crossIndexes.secretServices('g', 'PW'))).toEqual([]);
    expect(rm.sets.has(rm.keys.index(crossIndexes.serviceDeploys('g/web/api')))).toBe(false);
    expect(rm.sets.has(rm.keys.index(crossIndexes.serviceUnfinishedDeploys('g/web/api')))).toBe(false);
    // Progress of a deploy whose service is gone changes nothing.
    await rm.append('deploy-d1', { type: 'ServiceDeployStarted', data: {} });
    expect(rm.doc('deploy', 'd1')).toBeUndefined();
  });

  it('keeps stacks with their latest revision, children, and stack deploys', async () => {
    const rm = new MemoryReadModels();
    const revision = {
      stack: 'my/web',
      version: '1',
      source: 's',
      registry: null,
      expose: null,
      variables: {},
      metadata: {},
      services: [],
      volumes: [],
    };
    await rm.append('stack-g/base', {
      type: 'StackCreated',
      data: { grid: 'g', name: 'base', parent_name: null, labels: [], ...revision, revision: 1 },
    });
    await rm.append('stack-g/web', {
      type: 'StackCreated',
      data: { grid: 'g', name: 'web', parent_name: 'base', labels: ['a=1'], ...revision, revision: 1 },
    });
    expect(rm.members(gridIndexes.stacks('g'))).toEqual(['base', 'web']);
    expect(rm.members(stackIndexes.children('g', 'base'))).toEqual(['web']);

    await rm.append(
      'stack-g/web',
      { type: 'StackRevisionCreated', data: { ...revision, version: '2', revision: 2 } },
      '2026-11-23T00:00:00.000Z',
    );
    expect(rm.doc('stack', 'g/web')).toMatchObject({
      version: '2',
      revision: 2,
      updated_at: '2026-11-23T00:00:00.000Z',
      created_at: '2026-11-22T12:00:00.000Z',
    });

    await rm.append('stack-g/web', {
      type: 'StackDeployRequested',
      data: {
        stack_deploy_id: 's1',
        stack_revision: 2,
        service_deploys: [{ service: 'api', deploy_id: 'd1' }],
        removed_services: [],
      },
    });
    expect(rm.doc<StackDeployDoc>('stackdeploy', 's1')).toMatchObject({
      stack_id: 'g/web',
      state: 'created',
      service_deploys: ['d1'],
    });
    await rm.append('stackdeploy-s1', { type: 'StackDeployStarted', data: {} });
    await rm.append('stackdeploy-s1', {
      type: 'StackDeployFinished',
      data: { state: 'success', reason: null },
    });
    expect(rm.doc<StackDeployDoc>('stackdeploy', 's1')).toMatchObject({ state: 'success', reason: null });

    await rm.append('stack-g/web', { type: 'StackRemovalRequested', data: {} });
    expect(rm.doc('stack', 'g/web')).toMatchObject({ removing: true });
    await rm.append('stack-g/web', { type: 'StackRemoved', data: { grid: 'g', name: 'web' } });
    expect(rm.doc('stack', 'g/web')).toBeUndefined();
    expect(rm.doc('stackdeploy', 's1')).toBeUndefined();
    expect(rm.members(gridIndexes.stacks('g'))).toEqual(['base']);
    expect(rm.members(stackIndexes.children('g', 'base'))).toEqual([]);
  });
});
