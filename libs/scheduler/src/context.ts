// Everything the filters and strategies ask about a node, computed once per schedule() call so that
// placing an instance costs O(candidate nodes), not O(nodes × containers).

import type { Rng, SchedulingNode, SchedulingService } from './types';

export const NULL_STACK = 'null';

/** Per-call facts about the nodes, for one service. Sets are built lazily: only what a filter asks for. */
export class NodeFacts {
  readonly count: number;
  readonly indexOf = new Map<string, number>();
  readonly active: Uint8Array;
  readonly ephemeral: Uint8Array;
  /** Zone index (from the `az=` label, default `"default"`). */
  readonly zone: Int32Array;
  readonly zoneCount: number;
  /** HA's memory rank: used / total, 0 without stats. */
  readonly memoryRank: Float64Array;
  private containerIndex: Map<string, number[]> | undefined;
  private serviceIndex: Map<string, number[]> | undefined;
  private otherServiceSets: (ReadonlySet<string> | undefined)[] = [];
  private dependencySets: (ReadonlySet<string> | undefined)[] = [];
  private volumeInstanceSets: (ReadonlySet<string> | undefined)[] = [];

  constructor(
    readonly nodes: readonly SchedulingNode[],
    readonly service: SchedulingService,
  ) {
    const n = nodes.length;
    this.count = n;
    this.active = new Uint8Array(n);
    this.ephemeral = new Uint8Array(n);
    this.zone = new Int32Array(n);
    this.memoryRank = new Float64Array(n);
    const zones = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const node = nodes[i];
      if (!this.indexOf.has(node.id)) this.indexOf.set(node.id, i);
      this.active[i] = node.availability === 'active' ? 1 : 0;
      this.ephemeral[i] = labelValue(node.labels, 'ephemeral') !== undefined ? 1 : 0;
      const zoneName = labelValue(node.labels, 'az') ?? 'default';
      let z = zones.get(zoneName);
      if (z === undefined) zones.set(zoneName, (z = zones.size));
      this.zone[i] = z;
      const mem = node.memory;
      this.memoryRank[i] = mem && mem.total > 0 ? mem.used / mem.total : 0;
    }
    this.zoneCount = zones.size;
  }

  /** Nodes running a container with this name (the exact `container==` affinity). */
  nodesWithContainer(name: string): readonly number[] {
    if (!this.containerIndex) {
      this.containerIndex = new Map();
      this.nodes.forEach((node, i) => {
        for (const c of node.containers) pushOnce(this.containerIndex as Map<string, number[]>, c.name, i);
      });
    }
    return this.containerIndex.get(name) ?? [];
  }

  /** Nodes running an instance of another service `stack/service` (the exact `service==` affinity). */
  nodesWithOtherService(path: string): readonly number[] {
    if (!this.serviceIndex) {
      this.serviceIndex = new Map();
      for (let i = 0; i < this.count; i++) {
        for (const p of this.otherServices(i)) pushOnce(this.serviceIndex, p, i);
      }
    }
    return this.serviceIndex.get(path) ?? [];
  }

  /** `stack/service` of the other services' instances on the node. */
  otherServices(i: number): ReadonlySet<string> {
    let set = this.otherServiceSets[i];
    if (!set) {
      const paths = new Set<string>();
      for (const c of this.nodes[i].containers)
        if (c.serviceId !== this.service.id) paths.add(`${c.stack}/${c.service}`);
      this.otherServiceSets[i] = set = paths;
    }
    return set;
  }

  /** `<service>-<instance>` of the containers of the service's own stack on the node (Dependency filter). */
  sameStackInstances(i: number): ReadonlySet<string> {
    let set = this.dependencySets[i];
    if (!set) {
      const names = new Set<string>();
      for (const c of this.nodes[i].containers)
        if (c.stack === this.service.stack) names.add(`${c.service}-${c.instanceNumber}`);
      this.dependencySets[i] = set = names;
    }
    return set;
  }

  volumeInstances(i: number): ReadonlySet<string> {
    return (this.volumeInstanceSets[i] ??= new Set(this.nodes[i].volumeInstances ?? []));
  }
}

/** Appends node `i` to the list for `key` unless it is already last (nodes are visited in order). */
function pushOnce(index: Map<string, number[]>, key: string, i: number): void {
  const list = index.get(key);
  if (!list) index.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}

/** Kontena's `HostNode#label_value`: the value of the first label named `name` (`undefined` value for a bare `name`, which still counts as present). */
export function labelValue(labels: readonly string[], name: string): string | undefined | null {
  for (const label of labels) {
    const eq = label.indexOf('=');
    const key = eq < 0 ? label : label.slice(0, eq);
    if (key !== name) continue;
    return eq < 0 ? null : label.slice(eq + 1);
  }
  return undefined;
}

/**
 * Where this service's instances are during one pass over instance numbers (Kontena's
 * `grid_service_instances` plus the pass's `scheduled_instances`). Instances above `bound` are gone:
 * the deployer destroys them before it walks 1..count.
 */
export class PassState {
  /** Instances placed on each node in this pass (HA's `schedule_counter`). */
  readonly scheduled: Int32Array;
  /** Instance number → node index placed in this pass, -1 if not yet. */
  readonly placed: Int32Array;
  /** Instance number → node index where it is now (previous, then this pass's placement), -1 if nowhere among `nodes`. */
  readonly current: Int32Array;
  /** Instances of this service on each node right now (previous unless re-placed, plus placed). */
  readonly ownOnNode: Int32Array;
  /** Per node: previous instance numbers (≤ bound) there, for the daemon rank. */
  readonly previousOnNode: number[][];

  constructor(
    facts: NodeFacts,
    previous: ReadonlyMap<number, string>,
    readonly count: number,
    readonly bound: number,
  ) {
    const n = facts.count;
    this.scheduled = new Int32Array(n);
    this.ownOnNode = new Int32Array(n);
    this.placed = new Int32Array(count + 1).fill(-1);
    this.current = new Int32Array(count + 1).fill(-1);
    this.previousOnNode = Array.from({ length: n }, () => []);
    for (const [instance, nodeId] of previous) {
      if (!Number.isInteger(instance) || instance < 1 || instance > bound) continue;
      const i = facts.indexOf.get(nodeId);
      if (i === undefined) continue;
      this.ownOnNode[i]++;
      this.previousOnNode[i].push(instance);
      if (instance <= count) this.current[instance] = i;
    }
  }

  /** Node index of instance `n` before this pass places it (each instance is placed once per pass). */
  previousIndex(n: number): number {
    return this.current[n];
  }

  /** Other instances of this service (not `n`) on node `i` right now. */
  othersOn(i: number, n: number): number {
    return this.ownOnNode[i] - (this.current[n] === i ? 1 : 0);
  }

  place(n: number, i: number): void {
    const from = this.current[n];
    if (from >= 0) this.ownOnNode[from]--;
    this.current[n] = i;
    this.ownOnNode[i]++;
    this.placed[n] = i;
    this.scheduled[i]++;
  }
}

export interface ScheduleContext {
  readonly service: SchedulingService;
  readonly facts: NodeFacts;
  readonly previous: ReadonlyMap<number, string>;
  readonly rng: Rng;
}
