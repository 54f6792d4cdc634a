// Kontena's three strategies (kontena-behaviour.md §4, `scheduler/strategy/*.rb`): how many instances a
// service gets, and which of the filtered nodes an instance goes to.

import type { PassState, ScheduleContext } from './context';
import type { Candidates } from './filters';
import type { StrategyName } from './types';

/**
 * How long a disconnected node still counts as hosting its instances before the strategy
 * re-schedules them elsewhere (Kontena's `host_grace_period`), in milliseconds.
 */
export const STRATEGY_GRACE_PERIOD_MS: Readonly<Record<StrategyName, number>> = {
  ha: 2 * 60_000,
  daemon: 10 * 60_000,
  random: 30_000,
};

/** Kontena's strategy class names, as they appear in its "did not find any node" message. */
export const STRATEGY_CLASS: Readonly<Record<StrategyName, string>> = {
  ha: 'Scheduler::Strategy::HighAvailability',
  daemon: 'Scheduler::Strategy::Daemon',
  random: 'Scheduler::Strategy::Random',
};

/** `instance_count(node_count, container_count)`: daemon runs `container_count` on every node. */
export function strategyInstanceCount(strategy: StrategyName, nodeCount: number, instances: number): number {
  return strategy === 'daemon' ? nodeCount * instances : instances;
}

/** Picks the node (index) for instance `n` among the candidates, or -1 when the strategy refuses. */
export function pickNode(
  ctx: ScheduleContext,
  pass: PassState,
  n: number,
  cands: Candidates,
  scratch: Int32Array,
  zoneLoad: Int32Array,
): number {
  const { service } = ctx;
  switch (service.strategy) {
    case 'ha':
    case 'daemon':
      // Daemon is a subclass of HA in Kontena: same stateful rule, different ranking.
      if (service.stateful && ctx.previous.has(n)) return previousIfCandidate(ctx, n, cands);
      return service.strategy === 'ha'
        ? pickHighAvailability(ctx, pass, n, cands, scratch, zoneLoad)
        : pickDaemon(ctx, pass, n, cands);
    case 'random': {
      if (ctx.previous.has(n)) {
        const node = previousIfCandidate(ctx, n, cands);
        if (node >= 0 || service.stateful) return node;
      }
      return cands.at(randomIndex(ctx, cands.length));
    }
  }
}

/** A stateful instance stays with its data: the node it was on, if that node survived the filters. */
function previousIfCandidate(ctx: ScheduleContext, n: number, cands: Candidates): number {
  const i = ctx.facts.indexOf.get(ctx.previous.get(n) as string);
  return i !== undefined && cands.has(i) ? i : -1;
}

/**
 * `nodes.shuffle.sort_by { [zone_counter, schedule_counter, rank] }.first`: the least-loaded zone (counting
 * this pass's placements on candidate nodes), then the least-loaded node, then rank = 10 − 5 if this instance
 * already runs there + memory used/total. Ties are broken uniformly with the rng, which is what a shuffle
 * followed by a sort amounts to, at O(candidates) instead of O(candidates log candidates).
 */
function pickHighAvailability(
  ctx: ScheduleContext,
  pass: PassState,
  n: number,
  cands: Candidates,
  ties: Int32Array,
  zoneLoad: Int32Array,
): number {
  const { zone, memoryRank } = ctx.facts;
  const scheduled = pass.scheduled;
  const len = cands.length;
  for (let k = 0; k < len; k++) {
    const i = cands.at(k);
    zoneLoad[zone[i]] += scheduled[i];
  }
  const prev = pass.previousIndex(n);
  let tieCount = 0;
  let bestZone = 0;
  let bestNode = 0;
  let bestRank = 0;
  for (let k = 0; k < len; k++) {
    const i = cands.at(k);
    const z = zoneLoad[zone[i]];
    const s = scheduled[i];
    const rank = 10 + (i === prev ? -5 : 0) + memoryRank[i];
    const order =
      tieCount === 0 ? -1 : z !== bestZone ? z - bestZone : s !== bestNode ? s - bestNode : rank - bestRank;
    if (order < 0) {
      bestZone = z;
      bestNode = s;
      bestRank = rank;
      tieCount = 0;
    }
    if (order <= 0) ties[tieCount++] = i;
  }
  for (let k = 0; k < len; k++) zoneLoad[zone[cands.at(k)]] = 0;
  if (tieCount === 1) return ties[0];
  return ties[randomIndex(ctx, tieCount)];
}

/**
 * `sort_by { [instance_rank, node_number] }.first`: the node already running this instance number, else the
 * node with the fewest of our instances (previous ones numbered ≤ candidates × per-node count, plus this
 * pass's), else the lowest node number.
 */
function pickDaemon(ctx: ScheduleContext, pass: PassState, n: number, cands: Candidates): number {
  const { nodes } = ctx.facts;
  const total = cands.length * ctx.service.instances;
  const prev = pass.previousIndex(n);
  let best = -1;
  let bestRank = 0;
  let bestNumber = 0;
  for (let k = 0; k < cands.length; k++) {
    const i = cands.at(k);
    let rank: number;
    if (i === prev) {
      rank = -1;
    } else {
      rank = pass.scheduled[i];
      for (const m of pass.previousOnNode[i]) if (m <= total && pass.placed[m] !== i) rank++;
    }
    const number = nodes[i].nodeNumber;
    if (best < 0 || rank < bestRank || (rank === bestRank && number < bestNumber)) {
      best = i;
      bestRank = rank;
      bestNumber = number;
    }
  }
  return best;
}

/** A uniform index below `length` from the injected rng, clamped so a misbehaving rng cannot pick outside. */
function randomIndex(ctx: ScheduleContext, length: number): number {
  const k = Math.floor(ctx.rng() * length);
  return k >= 0 && k < length ? k : k >= length ? length - 1 : 0;
}
