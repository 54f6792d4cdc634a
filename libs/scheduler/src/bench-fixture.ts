// A realistic large grid for the scheduler benchmark and, as its ceiling, the scale benchmark: nodes in
// zones with labels, drained and ephemeral nodes, infrastructure already running, and a mix of services
// (ha with affinities, stateful pinned, random, daemon with node ports).

import { seededRng } from './rng';
import { schedule } from './schedule';
import type { PlacedContainer, Rng, SchedulingNode, SchedulingService } from './types';

export interface SchedulerWorkloadOptions {
  /** Default 500. */
  readonly nodes?: number;
  /** Default 20. */
  readonly services?: number;
  /** Instances of each ha/random service (daemon services get one per eligible node). Default 500. */
  readonly instancesPerService?: number;
  /** Default 3. */
  readonly zones?: number;
  /** Seeds the node resources and previous placements. Default 1. */
  readonly seed?: number;
}

export interface SchedulerWorkload {
  readonly nodes: readonly SchedulingNode[];
  /** Scheduled in this order; each sees the placements of the ones before it. */
  readonly services: readonly SchedulingService[];
  /** Per service id: where its instances were before (some services start from an earlier deploy). */
  readonly previous: ReadonlyMap<string, ReadonlyMap<number, string>>;
}

export interface WorkloadOutcome {
  readonly placements: number;
  readonly failures: readonly {
    readonly service: string;
    readonly instanceNumber: number;
    readonly reason: string;
  }[];
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export function buildSchedulerWorkload(options: SchedulerWorkloadOptions = {}): SchedulerWorkload {
  const nodeCount = options.nodes ?? 500;
  const serviceCount = options.services ?? 20;
  const perService = options.instancesPerService ?? 500;
  const zones = options.zones ?? 3;
  const rng = seededRng(options.seed ?? 1);

  const nodes: SchedulingNode[] = [];
  for (let k = 1; k <= nodeCount; k++) {
    const zone = String.fromCharCode(97 + (k % zones));
    const labels = [`az=${zone}`, 'region=eu-west-1', k % 2 === 0 ? 'ssd' : 'hdd'];
    if (k % 7 === 0) labels.push('gpu');
    if (k % 60 === 0) labels.push('ephemeral');
    const containers: PlacedContainer[] = [infra('agent', k, [])];
    if (k % 10 === 0) containers.push(infra('lb', k / 10, [80, 443]));
    const total = 32 * GiB;
    nodes.push({
      id: `node-id-${k}`,
      name: `node-${k}`,
      nodeNumber: k,
      labels,
      availability: k % 97 === 0 ? 'drain' : 'active',
      cpus: 2 + 2 * Math.floor(rng() * 8),
      memory: { total, used: Math.floor(total * (0.1 + 0.6 * rng())), cached: 2 * GiB, buffers: 512 * MiB },
      volumeDrivers: ['local'],
      volumeInstances: [],
      containers,
    });
  }

  const usable = nodes.filter((n) => n.availability === 'active' && !n.labels.includes('ephemeral'));
  const services: SchedulingService[] = [];
  const previous = new Map<string, ReadonlyMap<number, string>>();
  const HA_AFFINITIES: readonly (readonly string[])[] = [
    [],
    ['label==~ssd'],
    ['label!=az=c'],
    ['node!=/^node-(1|2|3)$/'],
    ['service!=~app/svc-0', 'label!=~gpu'],
    ['label==region=eu-west-1', 'container!=~lb-%s'],
  ];
  for (let s = 0; s < serviceCount; s++) {
    const kind = s % 10;
    const name = `svc-${s}`;
    const base = {
      id: `grid/app/${name}`,
      grid: 'grid',
      stack: 'app',
      name,
      stateful: false,
      instances: perService,
      affinity: [] as readonly string[],
      ports: [] as readonly { nodePort: number }[],
      volumes: [],
      volumesFrom: [],
      net: 'bridge',
    };
    let service: SchedulingService;
    if (kind < 6) {
      service = { ...base, strategy: 'ha', affinity: HA_AFFINITIES[kind], memory: 128 * MiB };
      if (kind % 2 === 1) previous.set(service.id, spread(perService, usable, s));
    } else if (kind === 6) {
      service = { ...base, strategy: 'ha', stateful: true, memory: 256 * MiB };
      previous.set(service.id, spread(perService, usable, s));
    } else if (kind === 7) {
      service = { ...base, strategy: 'random', cpus: 1, affinity: ['label!=gpu'] };
    } else {
      service = {
        ...base,
        strategy: 'daemon',
        instances: 1,
        ports: [{ nodePort: 8000 + s }],
        affinity: ['label!=ephemeral'],
      };
    }
    services.push(service);
  }
  return { nodes, services, previous };
}

/**
 * Schedules every service of the workload in order, adding each one's placements to its nodes' containers
 * so later services see them, as the reconciler would. Returns how many instances were placed.
 */
export function scheduleWorkload(workload: SchedulerWorkload, rng: Rng): WorkloadOutcome {
  const containers = workload.nodes.map((n) => [...n.containers]);
  const nodes: SchedulingNode[] = workload.nodes.map((n, i) => ({ ...n, containers: containers[i] }));
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const failures: { service: string; instanceNumber: number; reason: string }[] = [];
  let placements = 0;
  for (const service of workload.services) {
    const result = schedule({
      service,
      nodes,
      previous: workload.previous.get(service.id) ?? new Map(),
      rng,
    });
    if (!result.ok)
      failures.push({ service: service.id, instanceNumber: result.instanceNumber, reason: result.reason });
    const nodePorts = service.ports.map((p) => p.nodePort);
    for (const p of result.placements) {
      containers[index.get(p.nodeId) as number].push({
        serviceId: service.id,
        stack: service.stack,
        service: service.name,
        instanceNumber: p.instanceNumber,
        name: `${service.stack}.${service.name}-${p.instanceNumber}`,
        nodePorts,
      });
    }
    placements += result.placements.length;
  }
  return { placements, failures };
}

function infra(service: string, n: number, nodePorts: number[]): PlacedContainer {
  return {
    serviceId: `grid/infra/${service}`,
    stack: 'infra',
    service,
    instanceNumber: n,
    name: `infra.${service}-${n}`,
    nodePorts,
  };
}

/** An earlier deploy's placement: instance i on a usable node, offset per service. */
function spread(
  instances: number,
  nodes: readonly SchedulingNode[],
  offset: number,
): ReadonlyMap<number, string> {
  const map = new Map<number, string>();
  for (let i = 1; i <= instances; i++) map.set(i, nodes[(i * 7 + offset) % nodes.length].id);
  return map;
}
