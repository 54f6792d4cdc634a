// Generated grids and services (fast-check): what must hold for every input, checked against small
// independent oracles written from kontena-behaviour.md §4 rather than from the implementation.

import fc from 'fast-check';
import { substituteInstance } from './format';
import { seededRng } from './rng';
import { schedule } from './schedule';
import type {
  PlacedContainer,
  ScheduleInput,
  ScheduleResult,
  SchedulingNode,
  SchedulingService,
  StrategyName,
} from './types';

const RUNS = { numRuns: 300 };
const GiB = 1024 ** 3;

// ---- generators -------------------------------------------------------------------------------

const OTHER_SERVICES = [
  { stack: 'null', service: 'db' },
  { stack: 'null', service: 'cache' },
  { stack: 'shop', service: 'db' },
];
const PORTS = [80, 443, 6379];

const containerArb: fc.Arbitrary<PlacedContainer> = fc
  .record({
    svc: fc.constantFrom(...OTHER_SERVICES),
    n: fc.integer({ min: 1, max: 3 }),
    ports: fc.subarray(PORTS, { maxLength: 1 }),
  })
  .map(({ svc, n, ports }) => ({
    serviceId: `g/${svc.stack}/${svc.service}`,
    stack: svc.stack,
    service: svc.service,
    instanceNumber: n,
    name: svc.stack === 'null' ? `${svc.service}-${n}` : `${svc.stack}.${svc.service}-${n}`,
    nodePorts: ports,
  }));

const nodeArb = (k: number, zones: readonly string[]): fc.Arbitrary<SchedulingNode> =>
  fc
    .record({
      zone: fc.option(fc.constantFrom(...zones), { nil: undefined }),
      tags: fc.subarray(['ssd', 'gpu', 'ephemeral', 'slot=1', 'slot=2']),
      drained: fc.boolean().map((b) => b && k % 3 === 0),
      cpus: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
      memory: fc.option(
        fc.record({
          total: fc.constantFrom(1, 2, 4).map((g) => g * GiB),
          usedShare: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        { nil: undefined },
      ),
      containers: fc.array(containerArb, { maxLength: 3 }),
    })
    .map(({ zone, tags, drained, cpus, memory, containers }) => ({
      id: `id-${k}`,
      name: `node-${k}`,
      nodeNumber: k,
      labels: [...(zone ? [`az=${zone}`] : []), ...tags],
      availability: drained ? 'drain' : 'active',
      cpus,
      memory: memory && {
        total: memory.total,
        used: Math.floor(memory.total * memory.usedShare),
        cached: 0,
        buffers: 0,
      },
      volumeDrivers: ['local'],
      containers,
    }));

const nodesArb = (min = 1, max = 10): fc.Arbitrary<SchedulingNode[]> =>
  fc
    .record({ count: fc.integer({ min, max }), zones: fc.constantFrom(['a'], ['a', 'b'], ['a', 'b', 'c']) })
    .chain(({ count, zones }) => fc.tuple(...Array.from({ length: count }, (_, k) => nodeArb(k + 1, zones))));

const STATIC_AFFINITIES = [
  'label==ssd',
  'label!=gpu',
  'label==~gpu',
  'label!=~ssd',
  'node!=node-2',
  'node==/^node-[1-5]$/',
  'label==/^az=(a|b)$/',
  'container!=db-1',
  'container==~cache-2',
];
const INSTANCE_AFFINITIES = ['label==~slot=%s', 'container!=db-%s'];
const SERVICE_AFFINITIES = [
  'service!=db',
  'service==~cache',
  'service!=shop/db',
  'service!=~web',
  'service!=web',
];

interface ServiceShape {
  strategy?: StrategyName;
  stateful?: boolean;
  affinities?: readonly string[];
  ports?: boolean;
  /** `false`: no cpu or memory requirement; `'cpu'`: cpus only. */
  resources?: boolean | 'cpu';
  dependencies?: boolean;
}

const serviceArb = (shape: ServiceShape = {}): fc.Arbitrary<SchedulingService> => {
  const affinities = [
    ...(shape.affinities ?? [...STATIC_AFFINITIES, ...INSTANCE_AFFINITIES, ...SERVICE_AFFINITIES]),
  ];
  return fc
    .record({
      strategy: shape.strategy
        ? fc.constant(shape.strategy)
        : fc.constantFrom<StrategyName>('ha', 'daemon', 'random'),
      stateful: shape.stateful !== undefined ? fc.constant(shape.stateful) : fc.boolean(),
      instances: fc.integer({ min: 0, max: 6 }),
      affinity: fc.subarray(affinities, { maxLength: Math.min(3, affinities.length) }),
      ports: shape.ports === false ? fc.constant<number[]>([]) : fc.subarray(PORTS, { maxLength: 2 }),
      cpus:
        shape.resources === false
          ? fc.constant(undefined)
          : fc.option(fc.constantFrom(1, 2, 4), { nil: undefined }),
      memory:
        shape.resources === false || shape.resources === 'cpu'
          ? fc.constant(undefined)
          : fc.option(
              fc.constantFrom(0.25, 0.5, 1, 3).map((g) => g * GiB),
              { nil: undefined },
            ),
      volumesFrom: shape.dependencies === false ? fc.constant([]) : fc.subarray(['db-%s'], { maxLength: 1 }),
      net:
        shape.dependencies === false
          ? fc.constant('bridge')
          : fc.constantFrom('bridge', 'bridge', 'container:cache-%s'),
    })
    .map((s) => ({
      id: 'g/null/web',
      grid: 'g',
      stack: 'null',
      name: 'web',
      strategy: s.strategy,
      stateful: s.stateful,
      instances: s.instances,
      affinity: s.affinity,
      ports: s.ports.map((nodePort) => ({ nodePort })),
      cpus: s.cpus,
      memory: s.memory,
      volumes: [],
      volumesFrom: s.volumesFrom,
      net: s.net,
    }));
};

/** Where the service's instances were: a few instance numbers on generated nodes (or on a node that is not a candidate). */
const previousArb = (ns: readonly SchedulingNode[]): fc.Arbitrary<Map<number, string>> =>
  fc
    .array(
      fc.tuple(fc.integer({ min: 1, max: 8 }), fc.constantFrom(...ns.map((n) => n.id), 'offline-node')),
      { maxLength: 6 },
    )
    .map((entries) => new Map(entries));

const scenarioArb = (shape: ServiceShape = {}, nodeRange: [number, number] = [1, 10]) =>
  nodesArb(...nodeRange).chain((nodes) =>
    fc.record({
      nodes: fc.constant(nodes),
      service: serviceArb(shape),
      previous: previousArb(nodes),
      seed: fc.integer(),
    }),
  );

type Scenario = {
  nodes: SchedulingNode[];
  service: SchedulingService;
  previous: Map<number, string>;
  seed: number;
};

const run = ({ nodes, service, previous, seed }: Scenario): ScheduleResult =>
  schedule({ service, nodes, previous, rng: seededRng(seed) });

// ---- oracles ----------------------------------------------------------------------------------

const labelNamed = (n: SchedulingNode, name: string) =>
  n.labels.some((l) => l === name || l.startsWith(`${name}=`));
const isRegex = (v: string) => v.length >= 2 && v.startsWith('/') && v.endsWith('/');
const matchValue = (value: string, candidate: string) =>
  isRegex(value) ? new RegExp(value.slice(1, -1)).test(candidate) : candidate === value;

/** Does `node` satisfy one affinity (after substitution)? `ownOthers`: other instances of this service on the node. */
function satisfies(
  affinity: string,
  node: SchedulingNode,
  service: SchedulingService,
  ownOthers: number,
): boolean {
  const m = /^(.+)(==|!=)(~)?(.+)/.exec(affinity);
  if (!m) throw new Error(`generated an invalid affinity ${affinity}`);
  const [, key, cmp, , value] = m;
  let match: boolean;
  if (key === 'node') match = matchValue(value, node.name);
  else if (key === 'label') match = node.labels.some((l) => matchValue(value, l));
  else if (key === 'container') match = node.containers.some((c) => matchValue(value, c.name));
  else {
    const full = value.includes('/') ? value : `${service.stack}/${value}`;
    match =
      node.containers.some((c) => c.serviceId !== service.id && `${c.stack}/${c.service}` === full) ||
      (full === `${service.stack}/${service.name}` && ownOthers > 0);
  }
  return cmp === '==' ? match : !match;
}

const isSoft = (affinity: string) => /^(.+)(==|!=)~/.test(affinity);

function memoryRequirement(s: SchedulingService): number {
  return s.memory ?? s.memorySwap ?? Math.trunc((s.maxMemoryUsage ?? 0) * 1.25);
}

function memoryFits(node: SchedulingNode, need: number): boolean {
  const m = node.memory;
  return !!m && m.total >= need && m.total - (m.used - m.cached - m.buffers) >= need;
}

/**
 * The nodes an instance may use when no filter depends on the pass (no ports, no `service` affinity, no
 * dependencies, no volumes): Availability, Ephemeral, Affinity (soft ones dropped when nothing matches), Cpu, Memory.
 */
function staticEligible(
  service: SchedulingService,
  nodes: readonly SchedulingNode[],
  previous: ReadonlyMap<number, string>,
  n: number,
): SchedulingNode[] {
  let cands = nodes.filter((x) => x.availability === 'active');
  if (service.stateful) cands = cands.filter((x) => !labelNamed(x, 'ephemeral') || previous.get(n) === x.id);
  for (const raw of service.affinity) {
    const a = substituteInstance(raw, n);
    const kept = cands.filter((x) => satisfies(a, x, service, 0));
    if (kept.length > 0 || !isSoft(a)) cands = kept;
  }
  if (service.cpus !== undefined) cands = cands.filter((x) => (x.cpus ?? 0) >= (service.cpus as number));
  const need = memoryRequirement(service);
  if (need !== 0) cands = cands.filter((x) => previous.get(n) === x.id || memoryFits(x, need));
  return cands;
}

// ---- properties -------------------------------------------------------------------------------

describe('properties', () => {
  it('(1) no placement violates a hard filter: availability, ephemeral for stateful, hard affinity, ports, cpu, memory, dependency', () => {
    fc.assert(
      fc.property(scenarioArb(), (sc) => {
        const result = run(sc);
        const { service, nodes, previous } = sc;
        const byId = new Map(nodes.map((x) => [x.id, x]));
        // The pass's view of our own instances: previous (within the count), then each placement as it happens.
        const where = new Map([...previous].filter(([k]) => k <= result.instanceCount));
        const need = memoryRequirement(service);
        const ports = new Set(service.ports.map((p) => p.nodePort));
        for (const { instanceNumber: n, nodeId } of result.placements) {
          const node = byId.get(nodeId);
          expect(node).toBeDefined();
          if (!node) return;
          const ownOthers = [...where].filter(([k, id]) => k !== n && id === nodeId).length;
          expect(node.availability).toBe('active');
          if (service.stateful && labelNamed(node, 'ephemeral')) expect(previous.get(n)).toBe(nodeId);
          for (const raw of service.affinity) {
            const a = substituteInstance(raw, n);
            if (!isSoft(a)) expect([a, satisfies(a, node, service, ownOthers)]).toEqual([a, true]);
          }
          if (ports.size > 0) {
            expect(
              node.containers.some(
                (c) => c.serviceId !== service.id && c.nodePorts.some((p) => ports.has(p)),
              ),
            ).toBe(false);
            expect(ownOthers).toBe(0);
          }
          if (service.cpus !== undefined) expect(node.cpus ?? 0).toBeGreaterThanOrEqual(service.cpus);
          if (need !== 0 && previous.get(n) !== nodeId) expect(memoryFits(node, need)).toBe(true);
          const sameStack = new Set(
            node.containers
              .filter((c) => c.stack === service.stack)
              .map((c) => `${c.service}-${c.instanceNumber}`),
          );
          for (const v of service.volumesFrom) expect(sameStack.has(substituteInstance(v, n))).toBe(true);
          if (service.net.startsWith('container:'))
            expect(sameStack.has(substituteInstance(service.net.slice('container:'.length), n))).toBe(true);
          where.set(n, nodeId);
        }
        // And the walk is complete or halts with a reason at the next instance.
        if (result.ok)
          expect(result.placements.map((p) => p.instanceNumber)).toEqual(
            Array.from({ length: result.instanceCount }, (_, k) => k + 1),
          );
        else expect(result.instanceNumber).toBe(result.placements.length + 1);
      }),
      RUNS,
    );
  });

  it('(2) ha, constrained only by availability: zone counts among zones with an active node differ by at most one, and so do node counts within a zone', () => {
    fc.assert(
      fc.property(
        scenarioArb(
          {
            strategy: 'ha',
            stateful: false,
            affinities: [],
            ports: false,
            resources: false,
            dependencies: false,
          },
          [1, 12],
        ),
        (sc) => {
          const service = { ...sc.service, instances: sc.service.instances * 3 };
          const result = run({ ...sc, service });
          const active = sc.nodes.filter((n) => n.availability === 'active');
          if (active.length === 0) {
            expect(result.ok).toBe(service.instances === 0);
            return;
          }
          expect(result.ok).toBe(true);
          const zone = (n: SchedulingNode) =>
            n.labels.find((l) => l.startsWith('az='))?.slice(3) ?? 'default';
          const perNode = new Map(active.map((n) => [n.id, 0]));
          for (const p of result.placements) perNode.set(p.nodeId, (perNode.get(p.nodeId) ?? 0) + 1);
          const perZone = new Map<string, number[]>();
          for (const n of active)
            perZone.set(zone(n), [...(perZone.get(zone(n)) ?? []), perNode.get(n.id) ?? 0]);
          const zoneTotals = [...perZone.values()].map((counts) => counts.reduce((a, b) => a + b, 0));
          expect(Math.max(...zoneTotals) - Math.min(...zoneTotals)).toBeLessThanOrEqual(1);
          for (const counts of perZone.values())
            expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        },
      ),
      RUNS,
    );
  });

  it('(3) determinism: the same input and rng seed give the same result, and the input is not modified', () => {
    fc.assert(
      fc.property(scenarioArb(), (sc) => {
        const frozen = deepFreeze(structuredClone(sc));
        const input: ScheduleInput = {
          service: frozen.service,
          nodes: frozen.nodes,
          previous: frozen.previous,
          rng: seededRng(sc.seed),
        };
        const first = schedule(input);
        const second = schedule({ ...input, rng: seededRng(sc.seed) });
        expect(second).toEqual(first);
        expect(frozen).toEqual(sc);
      }),
      { numRuns: 150 },
    );
  });

  it('(4) daemon places exactly eligible nodes × instances, each eligible node getting `instances` and no other node any', () => {
    const daemonScenario = nodesArb(1, 10).chain((nodes) =>
      fc.record({
        nodes: fc.constant(nodes),
        // Stateless and without a memory requirement: both let an instance stay on a node the filters would
        // otherwise refuse (stateful pinning, Memory keeping the current node), which is Kontena's intent.
        service: serviceArb({
          strategy: 'daemon',
          stateful: false,
          affinities: STATIC_AFFINITIES,
          ports: false,
          resources: 'cpu',
          dependencies: false,
        }),
        seed: fc.integer(),
        // A consistent earlier daemon placement: instance numbers handed to nodes, at most `instances` each.
        previousOrder: fc.shuffledSubarray(nodes.map((n) => n.id)),
      }),
    );
    fc.assert(
      fc.property(daemonScenario, ({ nodes, service, seed, previousOrder }) => {
        const previous = new Map<number, string>();
        previousOrder.forEach((id, k) => {
          for (let round = 0; round < service.instances; round++)
            previous.set(round * previousOrder.length + k + 1, id);
        });
        const eligible = staticEligible(service, nodes, new Map(), 0);
        const result = run({ nodes, service, previous, seed });
        expect(result).toMatchObject({ ok: true, instanceCount: eligible.length * service.instances });
        const counts = new Map<string, number>();
        for (const p of result.placements) counts.set(p.nodeId, (counts.get(p.nodeId) ?? 0) + 1);
        expect(Object.fromEntries(counts)).toEqual(
          Object.fromEntries(service.instances === 0 ? [] : eligible.map((n) => [n.id, service.instances])),
        );
      }),
      RUNS,
    );
  });

  it('(5) a stateful instance never moves while its node is still a candidate, and fails rather than move when it is not', () => {
    fc.assert(
      fc.property(
        scenarioArb({
          stateful: true,
          affinities: [...STATIC_AFFINITIES, 'label==~slot=%s'],
          ports: false,
          dependencies: false,
        }),
        (sc) => {
          const result = run(sc);
          const placedAt = new Map(result.placements.map((p) => [p.instanceNumber, p.nodeId]));
          const lastChecked = result.ok ? result.instanceCount : result.instanceNumber;
          for (let n = 1; n <= lastChecked; n++) {
            const prev = sc.previous.get(n);
            if (prev === undefined) continue;
            const candidate = staticEligible(sc.service, sc.nodes, sc.previous, n).some((x) => x.id === prev);
            if (candidate) expect(placedAt.get(n)).toBe(prev);
            else expect(placedAt.has(n)).toBe(false);
          }
        },
      ),
      RUNS,
    );
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (!(value instanceof Map)) for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
