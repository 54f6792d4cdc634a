// Given nodes, a service and where its instances are, when it is scheduled, then this is where each
// instance goes. Cases follow Kontena's strategy specs (server/spec/services/scheduler/strategy/*).

import { node, nodes, placed, reason, service, when } from '../test/given';
import { STRATEGY_GRACE_PERIOD_MS } from './index';
import type { SchedulingNode } from './types';

const zoneOf = (ns: readonly SchedulingNode[], id: string) =>
  ns.find((n) => n.id === id)?.labels.find((l) => l.startsWith('az='));

describe('ha strategy', () => {
  // Kontena's HA spec grid: two nodes in each of three zones.
  const grid = ['a', 'b', 'c'].flatMap((az) =>
    [1, 2].map((k) => node(`node-${k}${az}`, { labels: ['region=eu-west-1', `az=${az}`] })),
  );

  it('given three zones and three instances then each zone gets one', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const ids = placed(when({ service: service({ instances: 3 }), nodes: grid, seed }));
      expect(new Set(ids.map((id) => zoneOf(grid, id))).size).toBe(3);
    }
  });

  it('given six instances over six nodes then every node gets one', () => {
    const ids = placed(when({ service: service({ instances: 6 }), nodes: grid, seed: 7 }));
    expect(new Set(ids).size).toBe(6);
  });

  it('given nodes without an az label then they share the "default" zone', () => {
    const ns = [node('x1'), node('x2'), node('y', { labels: ['az=y'] })];
    for (let seed = 1; seed <= 20; seed++) {
      const ids = placed(when({ service: service({ instances: 2 }), nodes: ns, seed }));
      expect(ids).toContain('y');
    }
  });

  it('given the instances already run spread out then a redeploy keeps every instance where it is', () => {
    const previous = { 1: 'node-2b', 2: 'node-1c', 3: 'node-1a' };
    for (let seed = 1; seed <= 20; seed++) {
      expect(placed(when({ service: service({ instances: 3 }), nodes: grid, previous, seed }))).toEqual([
        'node-2b',
        'node-1c',
        'node-1a',
      ]);
    }
  });

  it('given a zone is full this pass then the next instance goes to another zone even onto a node it does not run on', () => {
    // Instance 1 lands on node-1a (its node); instance 2 used to run on node-2a, but zone a already has one.
    const previous = { 1: 'node-1a', 2: 'node-2a' };
    for (let seed = 1; seed <= 20; seed++) {
      const [first, second] = placed(
        when({ service: service({ instances: 2 }), nodes: grid, previous, seed }),
      );
      expect(first).toBe('node-1a');
      expect(zoneOf(grid, second)).not.toBe('az=a');
    }
  });

  it('given equal zones and counts then the less memory-loaded node wins', () => {
    const ns = [
      node('busy', { memory: { total: 100, used: 90, cached: 0, buffers: 0 } }),
      node('idle', { memory: { total: 100, used: 10, cached: 0, buffers: 0 } }),
    ];
    for (let seed = 1; seed <= 10; seed++)
      expect(placed(when({ service: service(), nodes: ns, seed }))).toEqual(['idle']);
  });

  it('given the instance already runs on a busier node then staying there (-5) beats memory load', () => {
    const ns = [
      node('busy', { memory: { total: 100, used: 99, cached: 0, buffers: 0 } }),
      node('idle', { memory: { total: 100, used: 0, cached: 0, buffers: 0 } }),
    ];
    expect(placed(when({ service: service(), nodes: ns, previous: { 1: 'busy' } }))).toEqual(['busy']);
  });

  it('given fully equal candidates then the rng decides, reproducibly', () => {
    const ns = nodes(8);
    const bySeed = (seed: number) => placed(when({ service: service(), nodes: ns, seed }))[0];
    const chosen = new Set(Array.from({ length: 30 }, (_, s) => bySeed(s + 1)));
    expect(chosen.size).toBeGreaterThan(3);
    expect(bySeed(42)).toBe(bySeed(42));
  });

  it('given zone load, only candidate nodes of a zone count (Kontena sums over the filtered nodes)', () => {
    // Instance 1 can only go to a2; instance 2 cannot go there, so zone a looks empty to it and the
    // less loaded a1 wins over b1. Counting a2 too would send instance 2 to zone b.
    const mem = (used: number) => ({ total: 100, used, cached: 0, buffers: 0 });
    const ns = [
      node('a1', { labels: ['az=a', 'i2'], memory: mem(10) }),
      node('a2', { labels: ['az=a', 'i1'], memory: mem(10) }),
      node('b1', { labels: ['az=b', 'i2'], memory: mem(50) }),
    ];
    expect(placed(when({ service: service({ instances: 2, affinity: ['label==i%s'] }), nodes: ns }))).toEqual(
      ['a2', 'a1'],
    );
  });

  describe('stateful', () => {
    const stateful = service({ stateful: true, instances: 3 });

    it('given instance 2 lived on node-1b which is still a candidate then it stays there', () => {
      expect(placed(when({ service: stateful, nodes: grid, previous: { 2: 'node-1b' } }))[1]).toBe('node-1b');
    });

    it('given that node is gone from the candidates then it fails rather than moving the data', () => {
      const without = grid.filter((n) => n.id !== 'node-1b');
      const result = when({ service: stateful, nodes: without, previous: { 2: 'node-1b' } });
      expect(result).toMatchObject({
        ok: false,
        code: 'unschedulable',
        instanceNumber: 2,
        reason: 'Strategy Scheduler::Strategy::HighAvailability did not find any node',
      });
      expect(result.placements).toHaveLength(1);
    });

    it('given that node is drained then it fails too', () => {
      const drained = grid.map((n) => (n.id === 'node-1b' ? { ...n, availability: 'drain' as const } : n));
      expect(reason(when({ service: stateful, nodes: drained, previous: { 2: 'node-1b' } }))).toBe(
        'Strategy Scheduler::Strategy::HighAvailability did not find any node',
      );
    });

    it('given no previous node (e.g. it was removed from the grid) then it is placed like a stateless one', () => {
      const ids = placed(when({ service: stateful, nodes: grid }));
      expect(new Set(ids.map((id) => zoneOf(grid, id))).size).toBe(3);
    });
  });

  it('given a stateless instance whose node is gone then it moves to another node', () => {
    const without = grid.filter((n) => n.id !== 'node-1b');
    expect(placed(when({ service: service(), nodes: without, previous: { 1: 'node-1b' } }))[0]).not.toBe(
      'node-1b',
    );
  });
});

describe('daemon strategy', () => {
  const ten = () => nodes(10);
  const daemon = (instances = 1) => service({ strategy: 'daemon', instances });
  const numbers = (ns: readonly SchedulingNode[], ids: string[]) =>
    ids.map((id) => ns.find((n) => n.id === id)?.nodeNumber);
  const previousOf = (entries: [number, number][]) =>
    Object.fromEntries(entries.map(([instance, nodeNumber]) => [instance, `node-${nodeNumber}`]));

  it('given ten nodes and no instances then instance k goes to node k', () => {
    const ns = ten();
    expect(numbers(ns, placed(when({ service: daemon(), nodes: ns })))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('given two per node, nodes 2 and 3 gone, then instances stay put and the orphans fill the least-loaded lowest nodes (Kontena spec)', () => {
    const ns = ten().filter((n) => n.nodeNumber !== 2 && n.nodeNumber !== 3);
    const previous = previousOf(
      Array.from({ length: 10 }, (_, k) => k + 1).flatMap((n): [number, number][] => [
        [n, n],
        [10 + n, n],
      ]),
    );
    const result = when({ service: daemon(2), nodes: ns, previous });
    expect(numbers(ns, placed(result))).toEqual([1, 7, 8, 4, 5, 6, 7, 8, 9, 10, 1, 9, 10, 4, 5, 6]);
  });

  it('given three per node, nodes 2 and 3 gone (Kontena spec)', () => {
    const ns = ten().filter((n) => n.nodeNumber !== 2 && n.nodeNumber !== 3);
    const previous = previousOf(
      Array.from({ length: 10 }, (_, k) => k + 1).flatMap((n): [number, number][] =>
        [0, 1, 2].map((i) => [i * 10 + n, n]),
      ),
    );
    expect(numbers(ns, placed(when({ service: daemon(3), nodes: ns, previous })))).toEqual([
      1, 5, 6, 4, 5, 6, 7, 8, 9, 10, 1, 7, 8, 4, 5, 6, 7, 8, 9, 10, 1, 9, 10, 4,
    ]);
  });

  it('given re-distributed instances and a node gone then instances spread evenly (Kontena spec)', () => {
    const ns = nodes(3).filter((n) => n.nodeNumber !== 2);
    const previous = previousOf([
      [1, 3],
      [2, 2],
      [3, 1],
      [4, 1],
      [5, 2],
      [6, 3],
    ]);
    expect(numbers(ns, placed(when({ service: daemon(2), nodes: ns, previous })))).toEqual([3, 3, 1, 1]);
  });

  it('given a new node and a higher count then the new node fills last (Kontena spec)', () => {
    const ns = nodes(3);
    const previous = previousOf([
      [1, 1],
      [2, 2],
      [3, 1],
      [4, 2],
    ]);
    expect(numbers(ns, placed(when({ service: daemon(2), nodes: ns, previous })))).toEqual([
      1, 2, 1, 2, 3, 3,
    ]);
  });

  it('given newly added nodes then they get the next instance numbers (Kontena spec)', () => {
    const ns = ten();
    const previous = previousOf(Array.from({ length: 8 }, (_, k): [number, number] => [k + 1, k + 1]));
    expect(numbers(ns, placed(when({ service: daemon(), nodes: ns, previous })))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('given an affinity to two of three nodes and three per node then the count is capped to 2 × 3 (the dry run)', () => {
    const ns = [
      node('a', { labels: ['foo'] }),
      node('b', { labels: ['foo'] }),
      node('c', { labels: ['bar'] }),
    ];
    const result = when({
      service: service({ strategy: 'daemon', instances: 3, affinity: ['label==foo'] }),
      nodes: ns,
    });
    expect(result).toMatchObject({ ok: true, instanceCount: 6 });
    expect(placed(result).sort()).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
  });

  it('given a drained node then it gets no instance and does not count', () => {
    const ns = nodes(3, (i) => ({ availability: i === 2 ? 'drain' : 'active' }));
    expect(when({ service: daemon(), nodes: ns })).toMatchObject({
      ok: true,
      instanceCount: 2,
      placements: [{ nodeId: 'node-1' }, { nodeId: 'node-3' }],
    });
  });

  it('given no eligible node at all then it has zero instances, like Kontena', () => {
    const result = when({
      service: service({ strategy: 'daemon', affinity: ['label==gpu'] }),
      nodes: nodes(3),
    });
    expect(result).toEqual({ ok: true, instanceCount: 0, placements: [] });
  });

  it('given a node port and two per node then the second round cannot fit and says so', () => {
    const result = when({
      service: service({ strategy: 'daemon', instances: 2, ports: [{ nodePort: 80 }] }),
      nodes: nodes(2),
    });
    expect(result).toMatchObject({
      ok: false,
      instanceCount: 4,
      instanceNumber: 3,
      reason: 'Did not find any nodes with unused ports: [80]',
    });
  });

  it('given a stateful daemon whose node went away then it fails with the Daemon strategy message', () => {
    const result = when({
      service: service({ strategy: 'daemon', stateful: true }),
      nodes: nodes(3).slice(1),
      previous: { 1: 'node-1' },
    });
    expect(reason(result)).toBe('Strategy Scheduler::Strategy::Daemon did not find any node');
  });
});

describe('random strategy', () => {
  const random = (over = {}) => service({ strategy: 'random', ...over });

  it('given no previous instance then the rng picks among the candidates', () => {
    const ns = nodes(5);
    const chosen = new Set(
      Array.from({ length: 40 }, (_, s) => placed(when({ service: random(), nodes: ns, seed: s + 1 }))[0]),
    );
    expect(chosen.size).toBeGreaterThan(2);
  });

  it('given the previous node is still a candidate then the instance stays', () => {
    for (let seed = 1; seed <= 10; seed++)
      expect(placed(when({ service: random(), nodes: nodes(5), previous: { 1: 'node-3' }, seed }))).toEqual([
        'node-3',
      ]);
  });

  it('given the previous node is gone then a stateless instance goes elsewhere', () => {
    expect(
      placed(when({ service: random(), nodes: nodes(5).slice(0, 2), previous: { 1: 'node-3' } }))[0],
    ).toMatch(/^node-[12]$/);
  });

  it('given the previous node is gone then a stateful instance fails', () => {
    expect(
      reason(when({ service: random({ stateful: true }), nodes: nodes(2), previous: { 1: 'node-3' } })),
    ).toBe('Strategy Scheduler::Strategy::Random did not find any node');
  });

  it('given a stateful instance with no previous node then it is placed', () => {
    expect(placed(when({ service: random({ stateful: true }), nodes: nodes(2) }))).toHaveLength(1);
  });
});

describe('grace periods (for the reconciler)', () => {
  it('are Kontena host_grace_period per strategy', () => {
    expect(STRATEGY_GRACE_PERIOD_MS).toEqual({ ha: 120_000, daemon: 600_000, random: 30_000 });
  });
});
