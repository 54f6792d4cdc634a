import type { ActiveService } from '@libs/domain';
import {
  Rng,
  ScheduleResult,
  SchedulingNode,
  SchedulingService,
  ServiceVolume,
  schedule,
  seededRng,
} from '@libs/scheduler';
import type { NodeView } from './plan-types';

/**
 * The scheduler's view of a service. Named volumes constrain nothing yet: their drivers and scopes live in
 * the volumes feature's read model, which a pass does not read (bind mounts and anonymous volumes never
 * constrain placement anyway).
 */
export function schedulingService(
  id: string,
  service: ActiveService,
  defaultAffinity: readonly string[],
): SchedulingService {
  const volumes: ServiceVolume[] = service.volumes
    .filter((v) => !v.volume)
    .map((v) =>
      v.bind_mount
        ? { kind: 'bind', hostPath: v.bind_mount, path: v.path }
        : { kind: 'anonymous', path: v.path },
    );
  return {
    id,
    grid: service.grid,
    stack: service.stack,
    name: service.name,
    strategy: service.strategy,
    stateful: service.stateful,
    instances: service.instances,
    // `GridService#affinity`: the grid's default affinity stands in for an empty one (kontena-behaviour.md §4).
    affinity: service.affinity.length ? service.affinity : defaultAffinity,
    // Node port 0 asks the runtime for any free port (Docker's `-p 0:80`): it cannot conflict on a node.
    ports: service.ports.filter((p) => p.node_port > 0).map((p) => ({ nodePort: p.node_port })),
    cpus: service.cpus ?? undefined,
    memory: service.memory ?? undefined,
    memorySwap: service.memory_swap ?? undefined,
    volumes,
    volumesFrom: service.volumes_from,
    net: service.net,
  };
}

export function schedulingNode(node: NodeView): SchedulingNode {
  return {
    id: node.id,
    name: node.name,
    nodeNumber: node.nodeNumber,
    labels: node.labels,
    availability: node.availability,
    cpus: node.cpus ?? undefined,
    memory: node.memory ?? undefined,
    volumeDrivers: node.volumeDrivers,
    containers: node.containers,
  };
}

/** FNV-1a: a stable seed from an id, so a deploy's (or a dry run's) tie-breaks are the same every time. */
export function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function scheduleOn(
  id: string,
  service: ActiveService,
  nodes: readonly NodeView[],
  previous: ReadonlyMap<number, string>,
  defaultAffinity: readonly string[],
  seed: string,
): ScheduleResult {
  const rng: Rng = seededRng(seedOf(seed));
  return schedule({
    service: schedulingService(id, service, defaultAffinity),
    nodes: nodes.map(schedulingNode),
    previous,
    rng,
  });
}
