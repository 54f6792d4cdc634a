import { streamName } from '@libs/eventstore';
import { crossIndexes, NodeDoc } from '@libs/read-model';
import { Reconciler } from '../reconciler';
import { Harness, quietLogger, until } from '../testing/harness';

jest.setTimeout(60_000);

/** Kontena's stale-node cleanup, run by the reconciler against a real event store and Redis. */
describe('stale ephemeral nodes (real event store, Redis)', () => {
  const h = new Harness();
  let reconciler: Reconciler;
  let beating: NodeJS.Timeout;

  afterAll(async () => {
    clearInterval(beating);
    await reconciler?.stop();
    await h.stop();
  });

  it('removes a disconnected, stateless, non-initial ephemeral node unseen for too long, and no other node', async () => {
    await h.start();
    await h.grid('g'); // initial_size 1
    const initial = await h.node('g', 'initial', 1, ['ephemeral']);
    const gone = await h.node('g', 'gone', 2, ['ephemeral', 'az=a']);
    const stateful = await h.node('g', 'stateful', 3, ['ephemeral']);
    const kept = await h.node('g', 'kept', 4, ['az=a']);
    const alive = await h.node('g', 'alive', 5, ['ephemeral=spot']);
    beating = setInterval(() => void h.heartbeat(alive), 200);
    // A stateful service's instance is placed on `stateful`: its data would go with the node.
    const db = await h.service('g', 'db', { stateful: true });
    await h.redis.zadd(h.reader.keys.index(crossIndexes.nodeInstances(stateful)), 0, `${db}/1`);

    reconciler = new Reconciler(
      h.config({
        NODE_OFFLINE_AFTER_MS: 1_000,
        STALE_NODE_REMOVE_AFTER_MS: 2_500,
        STALE_NODE_SWEEP_MS: 300,
      }),
      quietLogger,
    );
    await reconciler.start();

    await until(
      'the stale ephemeral node is removed',
      async () => !(await h.reader.doc<NodeDoc>('node', gone)),
    );
    const events = await h.events(streamName('node', gone));
    expect(events.map((e) => e.type).slice(-2)).toEqual(['NodeDisconnected', 'NodeRemoved']);

    // Later sweeps leave the others alone: each fails one count.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const others = await Promise.all(
      [initial, stateful, kept, alive].map((id) => h.reader.doc<NodeDoc>('node', id)),
    );
    expect(others.map((doc) => [doc?.name, doc?.connected])).toEqual([
      ['initial', false],
      ['stateful', false],
      ['kept', false],
      ['alive', true],
    ]);
    for (const id of [initial, stateful, kept, alive])
      expect((await h.events(streamName('node', id))).map((e) => e.type)).not.toContain('NodeRemoved');

    // The removed node's heartbeat goes too, as does any of a node no longer there that stopped beating; a beating
    // agent whose node the read models do not show yet keeps its own.
    const heartbeats = h.agentData.heartbeats;
    await h.redis.hset(heartbeats, 'g/long-gone', '1000');
    clearInterval(beating);
    beating = setInterval(
      () => void Promise.all([h.heartbeat(alive), h.heartbeat('g/just-registered')]),
      200,
    );
    await until('the heartbeats of gone nodes are forgotten', async () => {
      const fields = await h.redis.hkeys(heartbeats);
      return !fields.includes(gone) && !fields.includes('g/long-gone');
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await h.redis.hkeys(heartbeats)).sort()).toEqual(
      [alive, 'g/just-registered', initial, kept, stateful].sort(),
    );
  });
});
