// The projector against a real event store and Redis, when Redis loses its read models under it.
import { deletePrefix } from '@libs/testing';
import { Harness, until } from '../../reconciler/src/testing/harness';

let h: Harness;

beforeAll(async () => {
  h = await new Harness().start();
});

afterAll(async () => {
  await h?.stop();
});

describe('a projector whose read models vanish from Redis', () => {
  it('notices while idle and projects $all again, then follows new events as before', async () => {
    await h.grid('before');
    await until('the grid is projected', async () => !!(await h.reader.doc('grid', 'before')));

    // What a Redis restarted without persistence, or a flush, leaves: nothing, and no reconnection to see.
    await deletePrefix(h.redis, h.prefix);
    expect(await h.reader.doc('grid', 'before')).toBeUndefined();

    await until(
      'the grid is back from the log',
      async () => !!(await h.reader.doc('grid', 'before')),
      20_000,
    );
    expect(await h.reader.checkpoint()).toBeDefined();

    await h.grid('after');
    await until('a new event is projected on top', async () => !!(await h.reader.doc('grid', 'after')));
    expect(await h.reader.ids('grids')).toEqual(['after', 'before']);
  });
});
