import { deletePrefix, testRedis, uniquePrefix } from '@libs/testing';
import { DEPLOY_INSTANCES, StoredDeployDoc } from './docs/service.doc';
import { ReadModelKeys } from './keys';
import { PendingWritesReader } from './pending-writes-reader';
import { ReadModelReader } from './read-model-reader';
import { ReadModelStore } from './read-model-store';

/** Hash fields as projections read them (pending writes first) and deploys as the api reads them (real Redis). */
describe('hash fields and deploys in the read models (real Redis)', () => {
  const redis = testRedis();
  const prefix = uniquePrefix('rm-fields');
  const keys = new ReadModelKeys(prefix, 1);
  const store = new ReadModelStore(redis, keys);
  const hash = keys.hash(DEPLOY_INSTANCES, 'd1');
  const part = (n: number, state: string, seq: number) =>
    JSON.stringify({ instance_number: n, node: `node-${n}`, state, error: null, seq });
  const stored: StoredDeployDoc = {
    id: 'd1',
    service_id: 'g/null/web',
    stack_deploy_id: null,
    force: false,
    revision: 1,
    created_at: '2026-11-22T12:00:00.000Z',
    queued_at: null,
    started_at: null,
    finished_at: null,
    state: 'ongoing',
    reason: null,
  };
  let revision = 0n;
  const apply = (ops: Parameters<ReadModelStore['apply']>[3]) =>
    store.apply('deploy-d1', revision++, '1/1', ops);

  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('answers a field from writes not applied yet, then from Redis, and forgets a deleted hash', async () => {
    await apply([
      { op: 'set', key: keys.doc('deploy', 'd1'), value: JSON.stringify(stored) },
      { op: 'hset', key: hash, field: '1', value: part(1, 'ongoing', 1) },
    ]);
    const pending = new PendingWritesReader(redis, keys);
    // Read from Redis, then remembered.
    expect(await pending.field(DEPLOY_INSTANCES, 'd1', '1')).toBe(part(1, 'ongoing', 1));
    expect(await pending.field(DEPLOY_INSTANCES, 'd1', '2')).toBeUndefined();

    pending.record([{ op: 'hset', key: hash, field: '2', value: part(2, 'ongoing', 2) }]);
    expect(await pending.field(DEPLOY_INSTANCES, 'd1', '2')).toBe(part(2, 'ongoing', 2));
    expect(await redis.hget(hash, '2')).toBeNull();

    // A hash deleted whole: the fields read before and the ones never read are gone alike, before Redis knows.
    await redis.hset(hash, '3', part(3, 'ongoing', 3));
    pending.record([{ op: 'del', key: hash }]);
    expect(await pending.field(DEPLOY_INSTANCES, 'd1', '1')).toBeUndefined();
    expect(await pending.field(DEPLOY_INSTANCES, 'd1', '3')).toBeUndefined();
    pending.record([{ op: 'hset', key: hash, field: '1', value: part(1, 'success', 4) }]);
    expect(await pending.field(DEPLOY_INSTANCES, 'd1', '1')).toBe(part(1, 'success', 4));
  });

  it("reads several indexes in one round trip, each in score order, after the batch's pending writes", async () => {
    const unfinished = (service: string) => `service:${service}:deploys:unfinished`;
    await store.apply('service-g/null/a', 0n, '2/2', [
      { op: 'zadd', key: keys.index(unfinished('g/null/a')), score: 20, member: 'd-late' },
      { op: 'zadd', key: keys.index(unfinished('g/null/a')), score: 10, member: 'd-early' },
    ]);
    const pending = new PendingWritesReader(redis, keys);
    let flushed = 0;
    pending.flush = async () => {
      flushed += 1;
      await store.apply('service-g/null/b', 0n, '3/3', [
        { op: 'zadd', key: keys.index(unfinished('g/null/b')), score: 1, member: 'd-b' },
      ]);
    };
    const ids = await pending.idsOfEach([
      unfinished('g/null/a'),
      unfinished('g/null/b'),
      unfinished('g/null/none'),
    ]);
    expect(ids).toEqual([['d-early', 'd-late'], ['d-b'], []]);
    expect(flushed).toBe(1);
    expect(await new ReadModelReader(redis, keys).idsOfEach([])).toEqual([]);
  });

  it('reads a deploy with its instance deploys in the order they started, in one snapshot', async () => {
    await redis.del(hash);
    await apply([
      { op: 'hset', key: hash, field: '3', value: part(3, 'ongoing', 10) },
      { op: 'hset', key: hash, field: '1', value: part(1, 'success', 12) },
      { op: 'hset', key: hash, field: '2', value: part(2, 'error', 11) },
    ]);
    const reader = new ReadModelReader(redis, keys);
    const deploy = await reader.deploy('d1');
    expect(deploy).toEqual({
      ...stored,
      instance_deploys: [
        { instance_number: 3, node: 'node-3', state: 'ongoing', error: null },
        { instance_number: 2, node: 'node-2', state: 'error', error: null },
        { instance_number: 1, node: 'node-1', state: 'success', error: null },
      ],
    });
    expect(await reader.deploys(['nope', 'd1', 'nope-2'])).toEqual([deploy]);
    expect(await reader.deploy('nope')).toBeUndefined();
  });

  it('still reads a deploy projected before instance deploys had their own hash', async () => {
    const legacy = {
      ...stored,
      id: 'd0',
      instance_deploys: [{ instance_number: 1, node: 'n', state: 'success', error: null }],
    };
    await redis.set(keys.doc('deploy', 'd0'), JSON.stringify(legacy));
    expect(await new ReadModelReader(redis, keys).deploy('d0')).toEqual(legacy);
  });
});
