// Kontena's nine filters, in Kontena's order (kontena-behaviour.md §4). Each narrows the candidate
// nodes for one instance and, when none is left, fails with Kontena's message.

import { type Affinity, parseAffinity, valueMatches } from './affinity';
import { NULL_STACK, type NodeFacts, type PassState, type ScheduleContext } from './context';
import { inspectNumbers, inspectStrings, rubyFloat, substituteInstance } from './format';
import type { SchedulingService } from './types';

/** Candidate node indices: two buffers, so a filter can be tried and then kept or dropped (soft affinity, volume preference). */
export class Candidates {
  private current: Int32Array;
  private next: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.current = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  reset(count: number): void {
    for (let i = 0; i < count; i++) this.current[i] = i;
    this.length = count;
  }

  at(k: number): number {
    return this.current[k];
  }

  has(node: number): boolean {
    for (let k = 0; k < this.length; k++) if (this.current[k] === node) return true;
    return false;
  }

  // The retain methods below are the same loop with different tests, written out so that each stays
  // monomorphic: this is the inner loop of the scheduler (instances × candidate nodes).

  /** Keeps nodes with `mask[node] === 1` (and `except`); returns how many. With `commitEmpty = false` an empty result changes nothing. */
  retainMask(mask: Uint8Array, except = -1, commitEmpty = true): number {
    const { current, next } = this;
    let kept = 0;
    for (let k = 0; k < this.length; k++) {
      const node = current[k];
      if (mask[node] === 1 || node === except) next[kept++] = node;
    }
    return this.commit(kept, commitEmpty);
  }

  /** Keeps nodes with `mask[node] === 1` where no other instance of this service is. */
  retainMaskWithoutOwn(mask: Uint8Array, pass: PassState, n: number, commitEmpty = true): number {
    const { current, next } = this;
    let kept = 0;
    for (let k = 0; k < this.length; k++) {
      const node = current[k];
      if (mask[node] === 1 && pass.othersOn(node, n) === 0) next[kept++] = node;
    }
    return this.commit(kept, commitEmpty);
  }

  /** Keeps nodes with `mask[node] === 1` or another instance of this service. */
  retainMaskOrOwn(mask: Uint8Array, pass: PassState, n: number, commitEmpty = true): number {
    const { current, next } = this;
    let kept = 0;
    for (let k = 0; k < this.length; k++) {
      const node = current[k];
      if (mask[node] === 1 || pass.othersOn(node, n) > 0) next[kept++] = node;
    }
    return this.commit(kept, commitEmpty);
  }

  /** Keeps the nodes satisfying `keep`, for the filters that depend on the instance number. */
  retainWhere(keep: (node: number) => boolean, commitEmpty = true): number {
    const { current, next } = this;
    let kept = 0;
    for (let k = 0; k < this.length; k++) {
      const node = current[k];
      if (keep(node)) next[kept++] = node;
    }
    return this.commit(kept, commitEmpty);
  }

  private commit(kept: number, commitEmpty: boolean): number {
    if (kept > 0 || commitEmpty) {
      const swap = this.current;
      this.current = this.next;
      this.next = swap;
      this.length = kept;
    }
    return kept;
  }

  toArray(): number[] {
    return Array.from(this.current.subarray(0, this.length));
  }
}

/** A filter failure: `invalid` when the service definition is at fault rather than the nodes. */
export interface FilterFailure {
  readonly reason: string;
  readonly invalid: boolean;
}

const fail = (reason: string): FilterFailure => ({ reason, invalid: false });

/** Per-call filter setup: what never changes between instances. */
export class FilterSet {
  private readonly neededDrivers: string[];
  private readonly pluginOk: Uint8Array | null;
  private readonly instanceVolumes: string[];
  private readonly ports: number[];
  /** 1 where no other service publishes one of our node ports. */
  private readonly portFree: Uint8Array | null;
  private readonly notEphemeral: Uint8Array;
  private readonly cpuOk: Uint8Array | null;
  readonly memoryRequirement: number;
  private readonly memoryOk: Uint8Array | null;
  private readonly netContainer: string | null;
  private readonly affinities = new Map<string, CompiledAffinity | FilterFailure>();

  constructor(
    private readonly ctx: ScheduleContext,
    private readonly facts: NodeFacts,
  ) {
    const { service } = ctx;
    const { nodes } = facts;
    const n = facts.count;

    const named = service.volumes.flatMap((v) => (v.kind === 'named' ? [v] : []));
    this.neededDrivers = named.map((v) => v.driver);
    this.pluginOk = null;
    if (service.volumes.length > 0) {
      this.pluginOk = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const drivers = nodes[i].volumeDrivers;
        this.pluginOk[i] = this.neededDrivers.every((d) => drivers.includes(d)) ? 1 : 0;
      }
    }
    // Stack- and grid-scoped volumes express no preference. Kontena resets the preference to all nodes when it
    // meets one, silently discarding an earlier instance-scoped volume's preference (kontena-behaviour.md §4).
    const prefix = service.stack === NULL_STACK ? service.name : `${service.stack}.${service.name}`;
    this.instanceVolumes = named.filter((v) => v.scope === 'instance').map((v) => `${prefix}.${v.volume}`);

    this.ports = service.ports.map((p) => p.nodePort);
    this.portFree = null;
    if (this.ports.length > 0) {
      const wanted = new Set(this.ports);
      this.portFree = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const taken = nodes[i].containers.some(
          (c) => c.serviceId !== service.id && c.nodePorts.some((p) => wanted.has(p)),
        );
        this.portFree[i] = taken ? 0 : 1;
      }
    }
    this.notEphemeral = facts.ephemeral.map((e) => 1 - e);

    this.cpuOk = null;
    if (service.cpus !== undefined && service.cpus !== null) {
      const cpus = service.cpus;
      this.cpuOk = new Uint8Array(n);
      for (let i = 0; i < n; i++) this.cpuOk[i] = (nodes[i].cpus ?? 0) >= cpus ? 1 : 0;
    }

    this.memoryRequirement = memoryRequirement(service);
    this.memoryOk = null;
    if (this.memoryRequirement !== 0) {
      const need = this.memoryRequirement;
      this.memoryOk = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const mem = nodes[i].memory;
        if (!mem || mem.total < need) continue; // no known total reads as 0 in Kontena
        const free = mem.total - (mem.used - (mem.cached + mem.buffers));
        this.memoryOk[i] = free < need ? 0 : 1;
      }
    }

    this.netContainer = /^container:./.test(service.net) ? service.net.replace('container:', '') : null;
  }

  /** Runs the filters for instance `n` over `cands` (all nodes on entry). */
  apply(pass: PassState, n: number, cands: Candidates): FilterFailure | null {
    const { service } = this.ctx;
    const facts = this.facts;
    const prev = pass.previousIndex(n);

    // 1. Availability: Kontena has no message of its own here, so the scheduler's generic one shows.
    if (cands.retainMask(facts.active) === 0)
      return fail('Filter Scheduler::Filter::Availability did not return any nodes');

    // 2. Ephemeral
    if (service.stateful && cands.retainMask(this.notEphemeral, prev) === 0) {
      return fail('Did not find any non-ephemeral nodes for stateful service');
    }

    // 3. VolumePlugin
    if (this.pluginOk && cands.retainMask(this.pluginOk) === 0) {
      return fail(
        `Did not find any nodes with required volume drivers: ${inspectStrings(this.neededDrivers)}`,
      );
    }

    // 4. VolumeInstance: prefer nodes that already hold this instance's volumes; never fails.
    if (this.instanceVolumes.length > 0) {
      const names = this.instanceVolumes.map((v) => `${v}-${n}`);
      cands.retainWhere((i) => {
        const present = facts.volumeInstances(i);
        return names.every((v) => present.has(v));
      }, false);
    }

    // 5. Affinity
    for (const raw of service.affinity) {
      const compiled = this.affinity(substituteInstance(raw, n));
      if (!(compiled instanceof CompiledAffinity)) return compiled;
      const kept = compiled.retain(cands, pass, n);
      if (kept === 0 && !compiled.affinity.soft)
        return fail(`Did not find any nodes for affinity filter: ${compiled.affinity.text}`);
    }

    // 6. Port: another service publishing one of our node ports, or another instance of ours, is there.
    // Instances placed earlier in this pass count too; Kontena checks only stored instances, so its dry run
    // could put two instances with the same node port on one node (kontena-behaviour.md §4).
    if (this.portFree && cands.retainMaskWithoutOwn(this.portFree, pass, n) === 0) {
      return fail(`Did not find any nodes with unused ports: ${inspectNumbers(this.ports)}`);
    }

    // 7. Cpu
    if (this.cpuOk && cands.retainMask(this.cpuOk) === 0) {
      return fail(`Did not find any nodes with ${rubyFloat(service.cpus as number)} CPUs available`);
    }

    // 8. Memory: the node already running this instance keeps it (its memory is already counted as used).
    if (this.memoryOk && cands.retainMask(this.memoryOk, prev) === 0) {
      return fail(`Did not find any nodes with sufficient free memory: ${this.memoryRequirement}`);
    }

    // 9. Dependency
    if (service.volumesFrom.length > 0) {
      const wanted = service.volumesFrom.map((v) => substituteInstance(v, n));
      // Kontena accepts a node running ANY of the volumes_from containers; the container cannot start without
      // all of them, so require all (kontena-behaviour.md §4).
      if (cands.retainWhere((i) => wanted.every((w) => facts.sameStackInstances(i).has(w))) === 0) {
        return fail(`Did not find any nodes for service dependency volumes_from: ${inspectStrings(wanted)}`);
      }
    }
    if (this.netContainer !== null) {
      const wanted = substituteInstance(this.netContainer, n);
      if (cands.retainWhere((i) => facts.sameStackInstances(i).has(wanted)) === 0) {
        return fail(`Did not find any nodes for service dependency net: ${wanted}`);
      }
    }
    return null;
  }

  private affinity(text: string): CompiledAffinity | FilterFailure {
    let compiled = this.affinities.get(text);
    if (!compiled) {
      const parsed = parseAffinity(text);
      compiled = parsed.ok
        ? new CompiledAffinity(parsed.affinity, this.ctx.service, this.facts)
        : { reason: parsed.reason, invalid: true };
      this.affinities.set(text, compiled);
    }
    return compiled;
  }
}

/** `memory || memory_swap || 1.25 × peak usage over the last hour`, 0 meaning "cannot tell, do not filter". */
export function memoryRequirement(service: SchedulingService): number {
  // Ruby's `||` only skips nil, so an explicit 0 means "no requirement", as `??` does here.
  return service.memory ?? service.memorySwap ?? Math.trunc((service.maxMemoryUsage ?? 0) * 1.25);
}

/** One affinity, evaluated once per call for every node; only our own instances are looked up per instance. */
class CompiledAffinity {
  /** 1 where the node satisfies the affinity, leaving our own instances aside. */
  private readonly accepted: Uint8Array;
  /**
   * A `service` affinity naming our own service also depends on where our other instances are:
   * `or` → `==`: such a node matches too; `and-not` → `!=`: such a node is excluded.
   */
  private readonly own: 'none' | 'or' | 'and-not';

  constructor(
    readonly affinity: Affinity,
    service: SchedulingService,
    facts: NodeFacts,
  ) {
    const matches = staticMatches(affinity, service, facts);
    this.accepted = affinity.negate ? matches.map((m) => 1 - m) : matches;
    this.own = !matchesOwnService(affinity, service) ? 'none' : affinity.negate ? 'and-not' : 'or';
  }

  /** Narrows the candidates; a soft affinity that would leave none changes nothing. Returns the nodes kept. */
  retain(cands: Candidates, pass: PassState, n: number): number {
    // Our own instances count where this pass has put them; the instance being placed does not count, else
    // `service!=<self>` would chase every instance off its own node on each redeploy (kontena-behaviour.md §4).
    const commitEmpty = !this.affinity.soft;
    if (this.own === 'or') return cands.retainMaskOrOwn(this.accepted, pass, n, commitEmpty);
    if (this.own === 'and-not') return cands.retainMaskWithoutOwn(this.accepted, pass, n, commitEmpty);
    return cands.retainMask(this.accepted, -1, commitEmpty);
  }
}

/** 1 for the nodes matching an affinity's key and value (for `service`, through other services only). */
function staticMatches(a: Affinity, service: SchedulingService, facts: NodeFacts): Uint8Array {
  const { nodes } = facts;
  const hits = new Uint8Array(facts.count);
  const mark = (matches: (i: number) => boolean) => {
    for (let i = 0; i < facts.count; i++) if (matches(i)) hits[i] = 1;
  };
  switch (a.key) {
    case 'node':
      mark((i) => valueMatches(a, nodes[i].name));
      break;
    case 'label':
      mark((i) => nodes[i].labels.some((l) => valueMatches(a, l)));
      break;
    case 'container':
      // An exact name is looked up in an index built once per call: `container==db-%s` compiles per instance.
      if (a.pattern) mark((i) => nodes[i].containers.some((c) => valueMatches(a, c.name)));
      else for (const i of facts.nodesWithContainer(a.value)) hits[i] = 1;
      break;
    case 'service': {
      const prefix = `${service.stack}/`;
      if (!a.pattern)
        for (const i of facts.nodesWithOtherService(a.value.includes('/') ? a.value : prefix + a.value))
          hits[i] = 1;
      else if (regexNamesStack(a))
        mark((i) => [...facts.otherServices(i)].some((path) => valueMatches(a, path)));
      else
        mark((i) =>
          [...facts.otherServices(i)].some(
            (p) => p.startsWith(prefix) && valueMatches(a, p.slice(prefix.length)),
          ),
        );
      break;
    }
  }
  return hits;
}

/** Does a `service` affinity's value name our own service? */
function matchesOwnService(a: Affinity, service: SchedulingService): boolean {
  if (a.key !== 'service') return false;
  const ownPath = `${service.stack}/${service.name}`;
  if (!a.pattern) return (a.value.includes('/') ? a.value : `${service.stack}/${a.value}`) === ownPath;
  return valueMatches(a, regexNamesStack(a) ? ownPath : service.name);
}

/**
 * A `service` regex containing `/` matches `stack/service`. Kontena prefixes one without `\/` with the stack
 * as if it were a plain name, which then matches nothing; here it matches service names in our own stack
 * (kontena-behaviour.md §4).
 */
function regexNamesStack(a: Affinity): boolean {
  return a.value.slice(1, -1).includes('/');
}
