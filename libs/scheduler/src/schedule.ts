// The deployer's use of the scheduler (kontena-behaviour.md §4, §5; `grid_service_deployer.rb`): decide the
// instance count (a dry run for daemon services), then walk instance numbers 1..count in order, each
// placement visible to the instances after it.

import { NodeFacts, PassState, type ScheduleContext } from './context';
import { Candidates, FilterSet } from './filters';
import { pickNode, STRATEGY_CLASS, strategyInstanceCount } from './strategies';
import type { Placement, ScheduleInput, ScheduleResult } from './types';

interface PassOutcome {
  readonly placements: Placement[];
  /** Distinct nodes that received an instance. */
  readonly nodesUsed: number;
  readonly failure?: { readonly instanceNumber: number; readonly reason: string; readonly invalid: boolean };
}

/** Decides the instance count and the node of every instance of one service. Pure: same input and rng stream, same result. */
export function schedule(input: ScheduleInput): ScheduleResult {
  const { service, nodes, previous, rng } = input;
  const facts = new NodeFacts(nodes, service);
  const ctx: ScheduleContext = { service, facts, previous, rng };
  const filters = new FilterSet(ctx, facts);
  const perNode = Number.isFinite(service.instances) ? Math.max(0, Math.trunc(service.instances)) : 0;

  let instanceCount = perNode;
  if (service.strategy === 'daemon') {
    // The deployer's dry run: try nodes × count instances on fresh counters, skipping the ones that do not
    // fit, and size the service by the distinct nodes that took one. HA and random ignore the dry run's
    // result, so it is skipped for them.
    const dry = runPass(
      ctx,
      filters,
      strategyInstanceCount('daemon', nodes.length, perNode),
      Infinity,
      false,
    );
    if (dry.failure?.invalid) return failure(dry.failure, 0, []);
    instanceCount = strategyInstanceCount('daemon', dry.nodesUsed, perNode);
  }

  const pass = runPass(ctx, filters, instanceCount, instanceCount, true);
  if (pass.failure) return failure(pass.failure, instanceCount, pass.placements);
  return { ok: true, instanceCount, placements: pass.placements };
}

/**
 * Places instances 1..count. `bound`: previous instances numbered above it no longer exist (the deployer
 * destroys them before the real pass; the dry run still sees them). `stopOnFailure`: the real pass halts at
 * the first instance that cannot be placed; the dry run skips it, except for an invalid service definition
 * (Kontena lets a malformed affinity slip through its dry run and size a daemon service to zero, kontena-behaviour.md §4).
 */
function runPass(
  ctx: ScheduleContext,
  filters: FilterSet,
  count: number,
  bound: number,
  stopOnFailure: boolean,
): PassOutcome {
  const { facts } = ctx;
  const pass = new PassState(facts, ctx.previous, count, bound);
  const cands = new Candidates(facts.count);
  const scratch = new Int32Array(facts.count);
  const zoneLoad = new Int32Array(facts.zoneCount);
  const placements: Placement[] = [];
  let nodesUsed = 0;

  for (let n = 1; n <= count; n++) {
    let reason: string;
    let invalid = false;
    if (facts.count === 0) {
      reason = 'There are no nodes available';
    } else {
      cands.reset(facts.count);
      const rejected = filters.apply(pass, n, cands);
      if (rejected) {
        reason = rejected.reason;
        invalid = rejected.invalid;
      } else {
        const node = pickNode(ctx, pass, n, cands, scratch, zoneLoad);
        if (node >= 0) {
          if (pass.scheduled[node] === 0) nodesUsed++;
          pass.place(n, node);
          placements.push({ instanceNumber: n, nodeId: facts.nodes[node].id });
          continue;
        }
        reason = `Strategy ${STRATEGY_CLASS[ctx.service.strategy]} did not find any node`;
      }
    }
    if (stopOnFailure || invalid)
      return { placements, nodesUsed, failure: { instanceNumber: n, reason, invalid } };
  }
  return { placements, nodesUsed };
}

function failure(
  f: NonNullable<PassOutcome['failure']>,
  instanceCount: number,
  placements: Placement[],
): ScheduleResult {
  return {
    ok: false,
    code: f.invalid ? 'invalid_service' : 'unschedulable',
    instanceCount,
    instanceNumber: f.instanceNumber,
    reason: f.reason,
    placements,
  };
}
