// Given nodes and a service, when the filters run for an instance, then these nodes are left (or this
// Kontena message). One describe per filter, in Kontena's order (kontena-behaviour.md §4).

import { container, filtered, node, nodes, service, when, withContainers } from '../test/given';
import type { ServiceVolume } from './types';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('Availability filter', () => {
  it('given a drained node then no instance goes there', () => {
    const ns = nodes(3, (i) => ({ availability: i === 2 ? 'drain' : 'active' }));
    expect(filtered(service(), ns)).toEqual(['node-1', 'node-3']);
  });

  it('given only drained nodes then it fails with the scheduler generic message', () => {
    const ns = nodes(2, () => ({ availability: 'drain' }));
    expect(filtered(service(), ns)).toBe('Filter Scheduler::Filter::Availability did not return any nodes');
  });
});

describe('Ephemeral filter', () => {
  const ns = nodes(3, (i) => ({ labels: i === 1 ? ['ephemeral=true'] : i === 3 ? ['ephemeral'] : [] }));

  it('given a stateless service then ephemeral nodes are fine', () => {
    expect(filtered(service(), ns)).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('given a stateful service then nodes labelled ephemeral (any value) are dropped', () => {
    expect(filtered(service({ stateful: true }), ns)).toEqual(['node-2']);
  });

  it('given a stateful instance already on an ephemeral node then that node stays a candidate for it', () => {
    expect(filtered(service({ stateful: true }), ns, { 1: 'node-1' }, 1)).toEqual(['node-1', 'node-2']);
  });

  it('given another instance number lives on the ephemeral node then it does not count', () => {
    expect(filtered(service({ stateful: true, instances: 2 }), ns, { 2: 'node-1' }, 1)).toEqual(['node-2']);
  });

  it('given only ephemeral nodes then it fails with Kontena message', () => {
    expect(filtered(service({ stateful: true }), [ns[0], ns[2]])).toBe(
      'Did not find any non-ephemeral nodes for stateful service',
    );
  });

  it('given a label that merely starts with ephemeral then the node is not ephemeral', () => {
    expect(filtered(service({ stateful: true }), [node('x', { labels: ['ephemeral-disk=1'] })])).toEqual([
      'x',
    ]);
  });
});

describe('VolumePlugin filter', () => {
  const vol = (
    name: string,
    driver: string,
    scope: 'instance' | 'stack' | 'grid' = 'instance',
  ): ServiceVolume => ({ kind: 'named', volume: name, driver, scope, path: '/data' });
  const ns = [
    node('node-1', { volumeDrivers: ['local', 'foo'] }),
    node('node-2', { volumeDrivers: ['foo'] }),
    node('node-3', { volumeDrivers: ['local', 'bar'] }),
  ];

  it('given a named volume then its driver must be on the node; a bind mount needs none', () => {
    const svc = service({
      volumes: [vol('data', 'local'), { kind: 'bind', hostPath: '/var/lib', path: '/data' }],
    });
    expect(filtered(svc, ns)).toEqual(['node-1', 'node-3']);
  });

  it('given two drivers then the node needs both', () => {
    expect(filtered(service({ volumes: [vol('a', 'local'), vol('b', 'foo')] }), ns)).toEqual(['node-1']);
  });

  it('given only anonymous volumes then every node fits', () => {
    expect(filtered(service({ volumes: [{ kind: 'anonymous', path: '/data' }] }), ns)).toEqual([
      'node-1',
      'node-2',
      'node-3',
    ]);
  });

  it('given drivers no node has all of then it fails listing them like Kontena', () => {
    const svc = service({ volumes: [vol('a', 'local'), vol('b', 'foo'), vol('c', 'bar')] });
    expect(filtered(svc, ns)).toBe(
      'Did not find any nodes with required volume drivers: ["local", "foo", "bar"]',
    );
  });
});

describe('VolumeInstance filter', () => {
  const data: ServiceVolume = {
    kind: 'named',
    volume: 'data',
    driver: 'local',
    scope: 'instance',
    path: '/data',
  };
  const shared: ServiceVolume = {
    kind: 'named',
    volume: 'shared',
    driver: 'local',
    scope: 'grid',
    path: '/shared',
  };

  it('given the volume instance already exists on a node then the instance prefers that node', () => {
    const ns = nodes(3, (i) => ({ volumeInstances: i === 2 ? ['app.data-1'] : [] }));
    expect(filtered(service({ volumes: [data] }), ns)).toEqual(['node-2']);
  });

  it('given a non-default stack then the volume instance is named <stack>.<service>.<volume>-<n>', () => {
    const ns = nodes(3, (i) => ({
      volumeInstances: i === 3 ? ['shop.app.data-2', 'shop.app.data-1'] : i === 1 ? ['app.data-2'] : [],
    }));
    expect(filtered(service({ stack: 'shop', instances: 2, volumes: [data] }), ns, {}, 2)).toEqual([
      'node-3',
    ]);
  });

  it('given no node holds the volume instance then it never fails: all nodes stay', () => {
    expect(filtered(service({ volumes: [data] }), nodes(2))).toEqual(['node-1', 'node-2']);
  });

  it('given a grid-scoped volume after an instance-scoped one then the preference is kept (Kontena drops it)', () => {
    const ns = nodes(3, (i) => ({ volumeInstances: i === 2 ? ['app.data-1'] : [] }));
    expect(filtered(service({ volumes: [data, shared] }), ns)).toEqual(['node-2']);
  });
});

describe('Affinity filter', () => {
  const ns = [
    node('node-1', { labels: ['az-1', 'ssd', 'az=a'] }),
    node('node-2', { labels: ['az-1', 'hdd', 'az=b'] }),
    node('node-3', { labels: ['az-2', 'ssd', 'az=a'] }),
  ];
  const aff = (...affinity: string[]) => service({ affinity, instances: 3 });

  describe('node', () => {
    it('given node==node-1 then only node-1', () =>
      expect(filtered(aff('node==node-1'), ns)).toEqual(['node-1']));
    it('given node!=node-2 and node!=node-3 then only node-1', () =>
      expect(filtered(aff('node!=node-2', 'node!=node-3'), ns)).toEqual(['node-1']));
    it('given a regex node!=/^node-(2|3)$/ then only node-1', () =>
      expect(filtered(aff('node!=/^node-(2|3)$/'), ns)).toEqual(['node-1']));
  });

  describe('label', () => {
    it('given label==ssd then the ssd nodes', () =>
      expect(filtered(aff('label==ssd'), ns)).toEqual(['node-1', 'node-3']));
    it('given label!=ssd then the others', () => expect(filtered(aff('label!=ssd'), ns)).toEqual(['node-2']));
    it('given label==az=a then the whole label string is compared', () =>
      expect(filtered(aff('label==az=a'), ns)).toEqual(['node-1', 'node-3']));
    it('given label==/^az=(b|c)$/ then a node with a matching label', () =>
      expect(filtered(aff('label==/^az=(b|c)$/'), ns)).toEqual(['node-2']));
    it('given label==az (a label name only) then nothing matches and it fails with Kontena message', () => {
      expect(filtered(aff('label==az'), ns)).toBe('Did not find any nodes for affinity filter: label==az');
    });
  });

  describe('container', () => {
    const withRedis = [
      withContainers(ns[0], container('redis', 1)),
      withContainers(ns[1], container('redis', 2)),
      ns[2],
    ];

    it('given container==redis-1 then the node running it', () =>
      expect(filtered(aff('container==redis-1'), withRedis)).toEqual(['node-1']));
    it('given container==redis-%i then instance 2 follows redis-2', () =>
      expect(filtered(aff('container==redis-%i'), withRedis, {}, 2)).toEqual(['node-2']));
    it('given container!=redis-2 then every other node', () =>
      expect(filtered(aff('container!=redis-2'), withRedis)).toEqual(['node-1', 'node-3']));
    it('given container==redis-%s for an instance with no redis then the message quotes the substituted affinity', () => {
      expect(filtered(aff('container==redis-%s'), withRedis, {}, 3)).toBe(
        'Did not find any nodes for affinity filter: container==redis-3',
      );
    });
  });

  describe('service (stack-scoped)', () => {
    const placedServices = [
      withContainers(ns[0], container('test-stack/redis', 1)),
      withContainers(ns[1], container('test-stack2/redis', 1)),
      withContainers(ns[2], container('test-stack/redis', 2)),
    ];
    const svc = (...affinity: string[]) => service({ stack: 'test-stack', name: 'test', affinity });

    it('given service==redis then the bare name means redis of my own stack', () =>
      expect(filtered(svc('service==redis'), placedServices)).toEqual(['node-1', 'node-3']));
    it('given service==test-stack2/redis then that stack', () =>
      expect(filtered(svc('service==test-stack2/redis'), placedServices)).toEqual(['node-2']));
    it('given service!=redis then nodes without my stack redis', () =>
      expect(filtered(svc('service!=redis'), placedServices)).toEqual(['node-2']));
    it('given service!=nonexist then all nodes', () =>
      expect(filtered(svc('service!=nonexist'), placedServices)).toEqual(['node-1', 'node-2', 'node-3']));
    it('given service==nonexist then Kontena message', () => {
      expect(filtered(svc('service==nonexist'), placedServices)).toBe(
        'Did not find any nodes for affinity filter: service==nonexist',
      );
    });
    it('given a regex with a stack path then it matches stack/service', () => {
      expect(filtered(svc('service==/^test-stack2\\/red/'), placedServices)).toEqual(['node-2']);
    });
    it('given a regex without a stack then it matches service names of my own stack (Kontena matches nothing)', () => {
      expect(filtered(svc('service==/^red/'), placedServices)).toEqual(['node-1', 'node-3']);
    });
    it('given the default stack then bare names are prefixed with null/', () => {
      const inNull = [
        withContainers(ns[0], container('redis', 1)),
        withContainers(ns[1], container('other/redis', 1)),
      ];
      expect(filtered(service({ affinity: ['service==redis'] }), inNull)).toEqual(['node-1']);
    });
  });

  describe('soft (~)', () => {
    it('given a soft affinity that matches then it filters like a hard one', () =>
      expect(filtered(aff('label==~hdd'), ns)).toEqual(['node-2']));
    it('given a soft affinity that matches nothing then it is ignored', () =>
      expect(filtered(aff('label==~gpu'), ns)).toEqual(['node-1', 'node-2', 'node-3']));
    it('given a hard then an unmatched soft affinity then the hard one decides', () =>
      expect(filtered(aff('label==az-2', 'label==~gpu'), ns)).toEqual(['node-3']));
    it('given a soft != that would exclude every node then it is ignored', () =>
      expect(filtered(aff('label!=~/^az-/'), ns)).toEqual(['node-1', 'node-2', 'node-3']));
    it('given the only matching node is drained then the soft affinity is judged on the remaining nodes and ignored', () => {
      const drained = [ns[0], { ...ns[1], availability: 'drain' as const }, ns[2]];
      expect(filtered(aff('label==~hdd'), drained)).toEqual(['node-1', 'node-3']);
    });
  });

  describe('invalid affinities fail the schedule with a clear reason, never an exception', () => {
    it.each([
      ['nodes==test', 'Unknown affinity filter: nodes'],
      ['foo=bar', 'Invalid affinity filter: foo=bar'],
      ['node==/[/', 'Invalid affinity filter regex: node==/[/'],
    ])('given %p then %p', (affinity, message) => {
      const result = when({ service: service({ affinity: [affinity] }), nodes: ns });
      expect(result).toMatchObject({
        ok: false,
        code: 'invalid_service',
        instanceNumber: 1,
        reason: message,
      });
    });
  });
});

describe('Port filter', () => {
  const svc = service({ name: 'redis', instances: 3, ports: [{ nodePort: 6379 }] });

  it('given no conflicting containers then all nodes', () =>
    expect(filtered(svc, nodes(3))).toEqual(['node-1', 'node-2', 'node-3']));

  it('given another service publishes the same node port on a node then that node is out', () => {
    const ns = nodes(3);
    ns[1] = withContainers(ns[1], container('redis2', 1, [6379]));
    expect(filtered(svc, ns)).toEqual(['node-1', 'node-3']);
  });

  it('given another service publishes other ports then the node is fine', () => {
    const ns = nodes(2);
    ns[0] = withContainers(ns[0], container('web', 1, [80, 443]));
    expect(filtered(svc, ns)).toEqual(['node-1', 'node-2']);
  });

  it('given this same instance already runs there then it does not conflict with itself', () => {
    expect(filtered(svc, nodes(3), { 1: 'node-2' }, 1)).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('given another instance of this service runs there then the node is out', () => {
    expect(filtered(svc, nodes(3), { 2: 'node-2' }, 1)).toEqual(['node-1', 'node-3']);
  });

  it('given every node has the port taken then Kontena message lists the ports', () => {
    const ns = nodes(2).map((n, k) => withContainers(n, container('redis2', k + 1, [6379])));
    expect(filtered(service({ ports: [{ nodePort: 6379 }, { nodePort: 26379 }] }), ns)).toBe(
      'Did not find any nodes with unused ports: [6379, 26379]',
    );
  });
});

describe('Cpu filter', () => {
  const ns = [node('small', { cpus: 1 }), node('big', { cpus: 4 }), node('unknown')];

  it('given no cpus requirement then every node', () =>
    expect(filtered(service(), ns)).toEqual(['small', 'big', 'unknown']));
  it('given cpus 2 then nodes with at least 2 CPUs (unknown counts as 0)', () =>
    expect(filtered(service({ cpus: 2 }), ns)).toEqual(['big']));
  it('given cpus 4 then a node with exactly 4 fits', () =>
    expect(filtered(service({ cpus: 4 }), ns)).toEqual(['big']));
  it('given more cpus than any node then Kontena message with a Ruby float', () => {
    expect(filtered(service({ cpus: 8 }), ns)).toBe('Did not find any nodes with 8.0 CPUs available');
  });
});

describe('Memory filter', () => {
  const mem = (total: number, free: number, cached = 0, buffers = 0) => ({
    total,
    used: total - free,
    cached,
    buffers,
  });

  it('given no memory, swap or usage stats then no filtering, even of nodes without memory info', () => {
    expect(filtered(service(), [node('a'), node('b')])).toEqual(['a', 'b']);
  });

  it('given memory set then nodes whose total is smaller are out', () => {
    const ns = [node('a', { memory: mem(1 * GiB, 1 * GiB) }), node('b', { memory: mem(2 * GiB, 2 * GiB) })];
    expect(filtered(service({ memory: 1300 * MiB }), ns)).toEqual(['b']);
  });

  it('given free = total - (used - cached - buffers) below the requirement then the node is out (Kontena example)', () => {
    const tight = node('tight', { memory: mem(1 * GiB, 128 * MiB, 128 * MiB, 128 * MiB) }); // 384 MiB free
    const roomy = node('roomy', { memory: mem(1 * GiB, 512 * MiB, 128 * MiB, 128 * MiB) }); // 768 MiB free
    expect(filtered(service({ memory: 500 * MiB }), [tight, roomy])).toEqual(['roomy']);
  });

  it('given a node without memory info and a requirement then it is out (unknown total reads as 0)', () => {
    expect(filtered(service({ memory: 512 * MiB }), [node('a')])).toBe(
      `Did not find any nodes with sufficient free memory: ${512 * MiB}`,
    );
  });

  it('given the node already runs this instance then it keeps it whatever its free memory', () => {
    const tight = node('tight', { memory: mem(1 * GiB, 0) });
    expect(
      filtered(service({ memory: 500 * MiB }), [tight, node('other', { memory: mem(1 * GiB, 0) })], {
        1: 'tight',
      }),
    ).toEqual(['tight']);
  });

  it('given only memory_swap then it is the requirement', () => {
    const ns = [node('a', { memory: mem(1 * GiB, 1 * GiB) }), node('b', { memory: mem(4 * GiB, 4 * GiB) })];
    expect(filtered(service({ memorySwap: 2 * GiB }), ns)).toEqual(['b']);
  });

  it('given neither memory nor swap then 1.25 × the peak usage of the last hour is the requirement', () => {
    const ns = [
      node('a', { memory: mem(1 * GiB, 99 * MiB) }),
      node('b', { memory: mem(1 * GiB, 100 * MiB) }),
    ];
    expect(filtered(service({ maxMemoryUsage: 80 * MiB }), ns)).toEqual(['b']);
  });

  it('given memory 0 then there is no requirement (0 is not "unset" in Ruby)', () => {
    expect(filtered(service({ memory: 0, memorySwap: 8 * GiB }), [node('a')])).toEqual(['a']);
  });
});

describe('Dependency filter', () => {
  const ns = [
    withContainers(node('node-1'), container('mysql', 1)),
    withContainers(node('node-2'), container('mysql', 2), container('backup', 2)),
    withContainers(node('node-3'), container('other/mysql', 2)),
  ];

  it('given volumes_from mysql-%s then instance 2 goes where mysql-2 of my stack runs', () => {
    expect(filtered(service({ instances: 2, volumesFrom: ['mysql-%s'] }), ns, {}, 2)).toEqual(['node-2']);
  });

  it('given a non-default stack then only that stack containers count', () => {
    expect(filtered(service({ stack: 'other', instances: 2, volumesFrom: ['mysql-%s'] }), ns, {}, 2)).toEqual(
      ['node-3'],
    );
  });

  it('given two volumes_from then the node must run both (Kontena accepts either)', () => {
    expect(filtered(service({ instances: 2, volumesFrom: ['mysql-%s', 'backup-%s'] }), ns, {}, 2)).toEqual([
      'node-2',
    ]);
    expect(filtered(service({ volumesFrom: ['mysql-%s', 'backup-%s'] }), ns, {}, 1)).toBe(
      'Did not find any nodes for service dependency volumes_from: ["mysql-1", "backup-1"]',
    );
  });

  it('given net container:mysql-%s then the node running that container', () => {
    expect(filtered(service({ net: 'container:mysql-%s' }), ns, {}, 1)).toEqual(['node-1']);
  });

  it('given net container: with nothing running then Kontena message', () => {
    expect(filtered(service({ net: 'container:cache-%s' }), ns, {}, 1)).toBe(
      'Did not find any nodes for service dependency net: cache-1',
    );
  });

  it('given net host or bridge then no filtering', () => {
    expect(filtered(service({ net: 'host' }), ns)).toEqual(['node-1', 'node-2', 'node-3']);
  });
});

describe('filter order', () => {
  it('given every node fails both Ephemeral and Affinity then the Ephemeral message wins, as it runs first', () => {
    const ns = nodes(2, () => ({ labels: ['ephemeral'] }));
    expect(filtered(service({ stateful: true, affinity: ['label==gpu'] }), ns)).toBe(
      'Did not find any non-ephemeral nodes for stateful service',
    );
  });

  it('given the affinity leaves only nodes with the port taken then the Port message shows', () => {
    const ns = [withContainers(node('gpu', { labels: ['gpu'] }), container('x', 1, [80])), node('cpu')];
    expect(filtered(service({ affinity: ['label==gpu'], ports: [{ nodePort: 80 }] }), ns)).toBe(
      'Did not find any nodes with unused ports: [80]',
    );
  });
});
