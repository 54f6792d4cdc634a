import { crossIndexes, ReadModelKeys, ReadModelReader, ServiceDoc, StoredDeployDoc } from '@libs/read-model';
import { deletePrefix, testRedis, uniquePrefix } from '@libs/testing';
import type { ReadModels } from '../platform/read-models';
import type { ServiceView } from '../services/service.view';
import { StackView } from './stack.view';

/** A stack's state from its services' unfinished deploys, read from real Redis. */
describe('stack state (real Redis)', () => {
  const redis = testRedis();
  const prefix = uniquePrefix('stack-state');
  const keys = new ReadModelKeys(prefix, 1);
  const view = new StackView(
    { reader: new ReadModelReader(redis, keys) } as unknown as ReadModels,
    {} as unknown as ServiceView,
  );
  const now = new Date('2026-11-23T12:00:00.000Z');

  const service = (name: string, extra: object = {}) =>
    ({
      id: `g/web/${name}`,
      grid: 'g',
      stack: 'web',
      name,
      state: 'running',
      ...extra,
    }) as unknown as ServiceDoc;
  const deploy = async (id: string, state: StoredDeployDoc['state']) =>
    redis.set(
      keys.doc('deploy', id),
      JSON.stringify({ id, state, started_at: null } as Partial<StoredDeployDoc>),
    );

  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('is deploying while a service has a deploy in its unfinished index, and running once none is left', async () => {
    await deploy('d1', 'created');
    await redis.zadd(keys.index(crossIndexes.serviceUnfinishedDeploys('g/web/api')), 1, 'd1');
    expect(await view.state([service('db'), service('api')], now)).toBe('deploying');

    await redis.zrem(keys.index(crossIndexes.serviceUnfinishedDeploys('g/web/api')), 'd1');
    expect(await view.state([service('db'), service('api')], now)).toBe('running');
  });

  it("still reads a service document's own list of unfinished deploys, from before the index", async () => {
    await deploy('legacy-waiting', 'created');
    await deploy('legacy-done', 'success');
    // The list is never shortened after an upgrade: a deploy in it that finished since must not count.
    expect(await view.state([service('db', { unfinished_deploys: ['legacy-done'] })], now)).toBe('running');
    expect(
      await view.state([service('db', { unfinished_deploys: ['legacy-done', 'legacy-waiting'] })], now),
    ).toBe('deploying');
  });
});
