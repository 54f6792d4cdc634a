// The deploy walk (kontena-behaviour.md §5): instance count first, then instances 1..count in order,
// each one seeing where the earlier ones went; the first one that cannot be placed halts it.

import { container, node, nodes, placed, reason, service, when, withContainers } from '../test/given';
import { schedule } from './schedule';

describe('walking instance numbers', () => {
  it('given three instances then placements come back for instances 1, 2, 3 in order', () => {
    const result = when({ service: service({ instances: 3 }), nodes: nodes(3) });
    expect(result.ok && result.placements.map((p) => p.instanceNumber)).toEqual([1, 2, 3]);
    expect(result).toMatchObject({ ok: true, instanceCount: 3 });
  });

  it('given a node port and as many instances as nodes then each instance sees the earlier ones and takes a free node', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const ids = placed(
        when({ service: service({ instances: 4, ports: [{ nodePort: 80 }] }), nodes: nodes(4), seed }),
      );
      expect(new Set(ids).size).toBe(4);
    }
  });

  it('given one more instance than free nodes then it halts at that instance with what was placed before it', () => {
    const result = when({ service: service({ instances: 3, ports: [{ nodePort: 80 }] }), nodes: nodes(2) });
    expect(result).toMatchObject({
      ok: false,
      code: 'unschedulable',
      instanceCount: 3,
      instanceNumber: 3,
      reason: 'Did not find any nodes with unused ports: [80]',
    });
    expect(result.placements).toHaveLength(2);
  });

  it('given no nodes then the first instance fails with Kontena message', () => {
    expect(when({ service: service({ instances: 2 }), nodes: [] })).toMatchObject({
      ok: false,
      instanceNumber: 1,
      reason: 'There are no nodes available',
    });
  });

  it('given zero instances then there is nothing to place, even without nodes', () => {
    expect(when({ service: service({ instances: 0 }), nodes: [] })).toEqual({
      ok: true,
      instanceCount: 0,
      placements: [],
    });
  });

  it('given a previous entry for a node that is not a candidate then a stateless instance is placed anyway', () => {
    expect(placed(when({ service: service(), nodes: nodes(2), previous: { 1: 'gone' } }))).toHaveLength(1);
  });
});

describe('where this service own instances are during the walk', () => {
  const withPort = (instances: number) => service({ instances, ports: [{ nodePort: 80 }] });

  it('given two instances stacked on one node then the first moves away and the second may stay (moved instances free their node)', () => {
    const [a, b] = nodes(2);
    expect(placed(when({ service: withPort(2), nodes: [a, b], previous: { 1: a.id, 2: a.id } }))).toEqual([
      b.id,
      a.id,
    ]);
  });

  it('given a scale down then instances above the new count no longer hold their node (the deployer removes them first)', () => {
    const [a, b] = nodes(2);
    expect(placed(when({ service: withPort(2), nodes: [a, b], previous: { 1: a.id, 3: b.id } }))).toEqual([
      a.id,
      b.id,
    ]);
  });

  it('given service!=<itself> then instances spread one per node and a redeploy keeps them put (Kontena would evict each from its own node)', () => {
    const ns = nodes(3);
    const svc = service({ name: 'web', instances: 3, affinity: ['service!=web'] });
    const first = placed(when({ service: svc, nodes: ns }));
    expect(new Set(first).size).toBe(3);
    const previous = Object.fromEntries(first.map((id, k) => [k + 1, id]));
    for (let seed = 1; seed <= 10; seed++)
      expect(placed(when({ service: svc, nodes: ns, previous, seed }))).toEqual(first);
  });

  it('given service!=<itself> and more instances than nodes then the extra one fails with the affinity message', () => {
    const svc = service({ name: 'web', instances: 3, affinity: ['service!=web'] });
    expect(reason(when({ service: svc, nodes: nodes(2) }))).toBe(
      'Did not find any nodes for affinity filter: service!=web',
    );
  });

  it('given a soft service!=~<itself> and more instances than nodes then the extra ones still get placed', () => {
    const svc = service({ name: 'web', instances: 5, affinity: ['service!=~web'] });
    expect(placed(when({ service: svc, nodes: nodes(2) }))).toHaveLength(5);
  });

  it('given containers of this service in the node input then only `previous` says where its instances are', () => {
    // A report of web-2 on node-1 that `previous` does not confirm does not block the port for instance 1.
    const svc = service({ name: 'web', instances: 1, ports: [{ nodePort: 80 }] });
    const ns = [withContainers(node('node-1'), container('web', 2, [80]))];
    expect(placed(when({ service: svc, nodes: ns }))).toEqual(['node-1']);
  });
});

describe('the dry run that sizes daemon services', () => {
  it('given a malformed affinity then the daemon fails as invalid instead of silently getting zero instances', () => {
    const result = when({
      service: service({ strategy: 'daemon', affinity: ['label=foo'] }),
      nodes: nodes(2),
    });
    expect(result).toMatchObject({
      ok: false,
      code: 'invalid_service',
      reason: 'Invalid affinity filter: label=foo',
      placements: [],
    });
  });

  it('given a per-instance affinity that only some instance numbers satisfy then the count is the distinct nodes the dry run used', () => {
    // Instances 1..3 are tried; only instance 1 and 2 find their labelled node.
    const ns = [node('n1', { labels: ['slot=1'] }), node('n2', { labels: ['slot=2'] }), node('n3')];
    const result = when({
      service: service({ strategy: 'daemon', affinity: ['label==slot=%s'] }),
      nodes: ns,
    });
    expect(result).toMatchObject({ ok: true, instanceCount: 2 });
    expect(placed(result)).toEqual(['n1', 'n2']);
  });
});

describe('the injected rng', () => {
  it('given an rng that returns values outside [0, 1) then placements still land on candidate nodes', () => {
    for (const value of [1, 7, -0.5, Number.NaN]) {
      const ns = nodes(3);
      const ha = schedule({
        service: service({ instances: 3 }),
        nodes: ns,
        previous: new Map(),
        rng: () => value,
      });
      const random = schedule({
        service: service({ strategy: 'random', instances: 3 }),
        nodes: ns,
        previous: new Map(),
        rng: () => value,
      });
      for (const result of [ha, random])
        expect(placed(result).every((id) => ns.some((n) => n.id === id))).toBe(true);
    }
  });
});
