import { deletePrefix, dumpPrefix, testRedis, uniquePrefix } from '@libs/testing';
import { ReadModelKeys } from './keys';
import type { ReadModelOp } from './ops';
import { isReadModelsVanished, ReadModelStore } from './read-model-store';

describe('read-model store (real Redis)', () => {
  const redis = testRedis();
  const prefix = uniquePrefix('rm-store');
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('applies ops with the revision guard and the checkpoint in one step', async () => {
    const keys = new ReadModelKeys(prefix, 1);
    const store = new ReadModelStore(redis, keys);
    expect(
      await store.apply('grid-a', 0n, '10/10', [{ op: 'set', key: keys.doc('grid', 'a'), value: '{"v":0}' }]),
    ).toBe('applied');
    expect(await redis.get(keys.doc('grid', 'a'))).toBe('{"v":0}');
    expect(await redis.get(keys.checkpoint)).toBe('10/10');

    // Re-delivery of an applied revision changes nothing but the checkpoint.
    expect(
      await store.apply('grid-a', 0n, '11/11', [
        { op: 'set', key: keys.doc('grid', 'a'), value: '{"v":"dup"}' },
      ]),
    ).toBe('duplicate');
    expect(await redis.get(keys.doc('grid', 'a'))).toBe('{"v":0}');

    // A revision that is not the next one is ignored.
    expect(
      await store.apply('grid-a', 2n, '12/12', [{ op: 'set', key: keys.doc('grid', 'a'), value: '{"v":2}' }]),
    ).toBe('gap');
    expect(await redis.get(keys.doc('grid', 'a'))).toBe('{"v":0}');
    expect(await store.apply('grid-a', 1n, '13/13', [{ op: 'del', key: keys.doc('grid', 'a') }])).toBe(
      'applied',
    );
    expect(await redis.exists(keys.doc('grid', 'a'))).toBe(0);
    expect(await redis.get(keys.streamRevision('grid-a'))).toBe('1');
  });

  it('refuses a whole batch once the checkpoint its writer saw is gone (Redis emptied)', async () => {
    const keys = new ReadModelKeys(prefix, 3);
    const store = new ReadModelStore(redis, keys);
    expect(
      await store.applyBatch([{ stream: 'grid-v', revision: 0n, checkpoint: '1/1', ops: [] }], false),
    ).toEqual(['applied']);
    await redis.del(keys.checkpoint, keys.streamRevision('grid-v'));
    const later = {
      stream: 'grid-v',
      revision: 1n,
      checkpoint: '2/2',
      ops: [{ op: 'set' as const, key: keys.doc('grid', 'v'), value: '{}' }],
    };
    const refused = await store.applyBatch([later], true).catch((error: unknown) => error);
    expect(isReadModelsVanished(refused)).toBe(true);
    expect(await redis.exists(keys.checkpoint, keys.doc('grid', 'v'))).toBe(0);
    // A writer starting from nothing (a fresh generation, a rebuild) expects no checkpoint.
    expect(await store.applyBatch([{ ...later, revision: 0n }], false)).toEqual(['applied']);
    expect(await redis.get(keys.checkpoint)).toBe('2/2');
  });

  it('publishes the checkpoint after each update', async () => {
    const keys = new ReadModelKeys(prefix, 7);
    const store = new ReadModelStore(redis, keys);
    const subscriber = redis.duplicate();
    await subscriber.subscribe(keys.checkpointChannel);
    const received = new Promise<string>((resolve) =>
      subscriber.on('message', (_channel, message) => resolve(message)),
    );
    await store.apply('grid-b', 0n, '42/42', []);
    expect(await received).toBe('42/42|grid-b|0');
    subscriber.disconnect();
  });

  it('gives event-log entries ids that a replay reproduces exactly, even when time goes backwards', async () => {
    const run = async (generation: number) => {
      const keys = new ReadModelKeys(prefix, generation);
      const store = new ReadModelStore(redis, keys);
      const log = keys.eventLog('grid', 'g');
      const times = [1_700_000_000_000, 1_700_000_000_000, 1_699_999_999_000, 1_700_000_000_500];
      for (const [i, ms] of times.entries()) {
        await store.apply('service-g/null/s', BigInt(i), `${i}/${i}`, [
          { op: 'log', logs: [{ key: log, maxlen: 3 }], ms, value: `{"n":${i}}` },
        ]);
      }
      return redis.xrange(log, '-', '+');
    };
    const first = await run(20);
    const second = await run(21);
    expect(first.map(([id]) => id)).toEqual(['1700000000000-1', '1700000000000-2', '1700000000500-0']);
    expect(second).toEqual(first);
  });

  it('numbers the entries of one batch as it would one at a time, and starts a log dropped in it afresh', async () => {
    // The script remembers each log's last time within a batch instead of reading it for every entry.
    const keys = new ReadModelKeys(prefix, 23);
    const log = keys.eventLog('grid', 'g');
    const times = [1_700_000_000_000, 1_700_000_000_000, 1_699_999_999_000, 1_700_000_000_500];
    const entry = (i: number, ms: number): ReadModelOp => ({
      op: 'log',
      logs: [{ key: log, maxlen: 3 }],
      ms,
      value: `{"n":${i}}`,
    });
    const store = new ReadModelStore(redis, keys);
    await store.applyBatch(
      times.map((ms, i) => ({
        stream: 'service-g/null/s',
        revision: BigInt(i),
        checkpoint: `${i}/${i}`,
        ops: [entry(i, ms)],
      })),
    );
    expect((await redis.xrange(log, '-', '+')).map(([id]) => id)).toEqual([
      '1700000000000-1',
      '1700000000000-2',
      '1700000000500-0',
    ]);

    await store.applyBatch([
      { stream: 'grid-g', revision: 0n, checkpoint: '4/4', ops: [entry(4, 1_700_000_001_000)] },
      { stream: 'grid-g', revision: 1n, checkpoint: '5/5', ops: [{ op: 'del', key: log }] },
      { stream: 'grid-g', revision: 2n, checkpoint: '6/6', ops: [entry(6, 1_600_000_000_000)] },
    ]);
    expect(await redis.xrange(log, '-', '+')).toEqual([['1600000000000-0', ['v', '{"n":6}']]]);
  });

  it('files one entry in several logs, each with its own id and cap', async () => {
    const keys = new ReadModelKeys(prefix, 25);
    const store = new ReadModelStore(redis, keys);
    const grid = keys.eventLog('grid', 'g');
    const node = keys.eventLog('node', 'g/n1');
    // The grid's log is ahead of the event's time; the node's log has room for one entry only.
    await store.apply('grid-g', 0n, '1/1', [
      { op: 'log', logs: [{ key: grid, maxlen: 10 }], ms: 5_000, value: 'a' },
    ]);
    await store.apply('node-g/n1', 0n, '2/2', [
      { op: 'log', logs: [{ key: node, maxlen: 1 }], ms: 1_000, value: 'b' },
    ]);
    await store.apply('service-g/null/s', 0n, '3/3', [
      {
        op: 'log',
        logs: [
          { key: grid, maxlen: 10 },
          { key: node, maxlen: 1 },
        ],
        ms: 2_000,
        value: 'c',
      },
    ]);
    expect(await redis.xrange(grid, '-', '+')).toEqual([
      ['5000-0', ['v', 'a']],
      ['5000-1', ['v', 'c']],
    ]);
    expect(await redis.xrange(node, '-', '+')).toEqual([['2000-0', ['v', 'c']]]);
  });

  it('leaves byte-identical keys for the same events in two generations', async () => {
    const apply = async (generation: number) => {
      const keys = new ReadModelKeys(prefix, generation);
      const store = new ReadModelStore(redis, keys);
      await store.apply('grid-x', 0n, '1/1', [
        { op: 'set', key: keys.doc('grid', 'x'), value: '{"name":"x"}' },
        { op: 'zadd', key: keys.index('grids'), score: 0, member: 'x' },
        { op: 'hset', key: keys.doc('h', 'x'), field: 'f', value: 'v' },
      ]);
      return dumpPrefix(redis, keys.root);
    };
    expect(await apply(31)).toEqual(await apply(32));
  });
});
