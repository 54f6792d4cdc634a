/**
 * Kontena's scheduler as a pure library (kontena-behaviour.md §4): on which node each instance of a
 * service runs.
 *
 *   schedule({ service, nodes, previous, rng }) → { ok, instanceCount, placements } | { ok: false, reason, … }
 *
 * - `nodes`: the grid's candidate nodes (connected, or offline within `STRATEGY_GRACE_PERIOD_MS`), each with
 *   its labels, resources and the containers of all services placed on it.
 * - `previous`: where this service's instances are now (instance number → node id).
 * - `rng`: the only source of randomness (HA tie-breaks, random strategy); `seededRng(seed)` makes one.
 *
 * Like Kontena's deployer it first decides the instance count (for `daemon`, by a dry run over all nodes:
 * eligible nodes × `instances`), then places instances 1..count in order through the filters Availability,
 * Ephemeral, VolumePlugin, VolumeInstance, Affinity, Port, Cpu, Memory, Dependency and the service's
 * strategy, each placement visible to the next instances. It stops at the first instance that cannot be
 * placed, with Kontena's message. Nothing here does I/O, reads a clock or keeps state between calls.
 *
 * Deliberate differences from Kontena (each marked in the code with kontena-behaviour.md §4):
 * - a malformed affinity (bad syntax, unknown key, broken regex) is a result with code `invalid_service`,
 *   never an exception, and it fails a daemon's dry run instead of sizing the service to zero instances;
 * - `%s`/`%d`/`%i` all take the instance number and a stray `%` stays literal (Ruby raises);
 * - the pass sees its own placements: node ports and `service` affinities count this service's instances
 *   where the pass has put them (moved ones free their old node), and never the instance being placed, so
 *   `service!=<itself>` spreads instances instead of evicting each from its own node;
 * - a `service` regex without `/` matches service names of the service's own stack (Kontena: nothing);
 * - `volumes_from` needs every referenced container on the node (Kontena: any one);
 * - a stack- or grid-scoped volume does not cancel an instance-scoped volume's node preference.
 */
export { schedule } from './schedule';
export { STRATEGY_GRACE_PERIOD_MS } from './strategies';
export { seededRng } from './rng';
export type {
  PlacedContainer,
  Placement,
  Rng,
  ScheduleFailureCode,
  ScheduleInput,
  ScheduleResult,
  SchedulingNode,
  SchedulingService,
  ServiceVolume,
  StrategyName,
} from './types';

/** A large, realistic workload for benchmarks (bench/scheduler.bench.ts and the scale benchmark's ceiling). */
export { buildSchedulerWorkload, scheduleWorkload } from './bench-fixture';
export type { SchedulerWorkload, SchedulerWorkloadOptions, WorkloadOutcome } from './bench-fixture';
