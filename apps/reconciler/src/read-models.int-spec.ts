import { ReadModelKeys } from '@libs/read-model';
import { deletePrefix, testRedis, uniquePrefix } from '@libs/testing';
import { CurrentReadModels } from './read-models';

describe('the read models a reconcile pass trusts (real Redis)', () => {
  const redis = testRedis();
  const prefix = uniquePrefix('reconciler-rm');
  const checkpoint = new ReadModelKeys(prefix, 1).checkpoint;
  const readModels = new CurrentReadModels(redis, prefix);

  beforeAll(() => readModels.start());
  afterAll(async () => {
    readModels.stop();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('are rebuilding while the checkpoint is gone or behind the furthest one seen, not before', async () => {
    expect(await readModels.rebuilding()).toBe(false); // a fresh system: nothing seen, nothing lost
    await redis.set(checkpoint, '100/100');
    expect(await readModels.rebuilding()).toBe(false);
    await redis.del(checkpoint); // Redis restarted empty
    expect(await readModels.rebuilding()).toBe(true);
    await redis.set(checkpoint, '40/40'); // the projector on its way back
    expect(await readModels.rebuilding()).toBe(true);
    await redis.set(checkpoint, '100/100');
    expect(await readModels.rebuilding()).toBe(false);
    await redis.set(checkpoint, '120/120');
    expect(await readModels.rebuilding()).toBe(false);
  });
});
