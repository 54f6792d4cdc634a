// Builders for given/when/then scheduler specs: a grid of nodes, a service, and what already runs.

import { NodeFacts, PassState } from '../src/context';
import { Candidates, FilterSet } from '../src/filters';
import { schedule } from '../src/schedule';
import { seededRng } from '../src/rng';
import type { PlacedContainer, ScheduleResult, SchedulingNode, SchedulingService } from '../src/types';

export type NodeSpec = Partial<SchedulingNode> & { name: string };

let nextNumber = 1;

/** A node named `name`, id = name, active, nothing running, unless overridden. */
export function node(name: string, overrides: Partial<SchedulingNode> = {}): SchedulingNode {
  return {
    id: name,
    name,
    nodeNumber: nextNumber++,
    labels: [],
    availability: 'active',
    volumeDrivers: ['local'],
    containers: [],
    ...overrides,
  };
}

/** Nodes `node-1` … `node-<count>` numbered 1..count. */
export function nodes(
  count: number,
  overrides: (i: number) => Partial<SchedulingNode> = () => ({}),
): SchedulingNode[] {
  return Array.from({ length: count }, (_, k) =>
    node(`node-${k + 1}`, { nodeNumber: k + 1, ...overrides(k + 1) }),
  );
}

export function service(overrides: Partial<SchedulingService> = {}): SchedulingService {
  const stack = overrides.stack ?? 'null';
  const name = overrides.name ?? 'app';
  return {
    id: `grid/${stack}/${name}`,
    grid: 'grid',
    stack,
    name,
    strategy: 'ha',
    stateful: false,
    instances: 1,
    affinity: [],
    ports: [],
    volumes: [],
    volumesFrom: [],
    net: 'bridge',
    ...overrides,
  };
}

/** A container of service `stack/svc` instance `n`, named like Kontena names them (`svc-n`, `stack.svc-n`). */
export function container(path: string, n: number, nodePorts: readonly number[] = []): PlacedContainer {
  const [stack, svc] = path.includes('/') ? path.split('/') : ['null', path];
  return {
    serviceId: `grid/${stack}/${svc}`,
    stack,
    service: svc,
    instanceNumber: n,
    name: stack === 'null' ? `${svc}-${n}` : `${stack}.${svc}-${n}`,
    nodePorts,
  };
}

export function withContainers(n: SchedulingNode, ...containers: PlacedContainer[]): SchedulingNode {
  return { ...n, containers: [...n.containers, ...containers] };
}

export interface When {
  service: SchedulingService;
  nodes: readonly SchedulingNode[];
  previous?: Record<number, string> | ReadonlyMap<number, string>;
  seed?: number;
}

export function when({ service: svc, nodes: ns, previous = {}, seed = 1 }: When): ScheduleResult {
  const prev =
    previous instanceof Map
      ? previous
      : new Map(Object.entries(previous).map(([k, v]) => [Number(k), v as string]));
  return schedule({ service: svc, nodes: ns, previous: prev, rng: seededRng(seed) });
}

/** Node ids in instance order; throws with the reason when scheduling failed, so a test reads `expect(placed(r))`. */
export function placed(result: ScheduleResult): string[] {
  if (!result.ok)
    throw new Error(
      `expected placements, got failure at instance ${result.instanceNumber}: ${result.reason}`,
    );
  return result.placements.map((p) => p.nodeId);
}

/** The failure reason; throws when scheduling succeeded. */
export function reason(result: ScheduleResult): string {
  if (result.ok)
    throw new Error(`expected a failure, got placements ${result.placements.map((p) => p.nodeId).join(',')}`);
  return result.reason;
}

/**
 * The nodes left after the filters for instance `n` (no strategy), by name, or the failure reason: how the
 * filter specs observe one filter's effect.
 */
export function filtered(
  svc: SchedulingService,
  ns: readonly SchedulingNode[],
  previous: Record<number, string> = {},
  n = 1,
): string[] | string {
  const facts = new NodeFacts(ns, svc);
  const prev = new Map(Object.entries(previous).map(([k, v]) => [Number(k), v]));
  const filters = new FilterSet({ service: svc, facts, previous: prev, rng: seededRng(1) }, facts);
  const cands = new Candidates(ns.length);
  cands.reset(ns.length);
  const rejected = filters.apply(
    new PassState(facts, prev, Math.max(n, svc.instances), Math.max(n, svc.instances)),
    n,
    cands,
  );
  return rejected ? rejected.reason : cands.toArray().map((i) => ns[i].name);
}
