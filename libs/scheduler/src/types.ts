/**
 * What the scheduler sees. Plain data, built by the caller (the reconciler) from read models.
 * Field meanings follow Kontena's models (kontena-behaviour.md §2, §4).
 */

/** Returns a float in [0, 1). Injected so that every decision is reproducible from a seed. */
export type Rng = () => number;

export type StrategyName = 'ha' | 'daemon' | 'random';

/** A node as the scheduler sees it: one connected (or within-grace-period) host node of the grid. */
export interface SchedulingNode {
  /** Unique within the input. Placements and `previous` refer to nodes by this id. */
  readonly id: string;
  /** Matched by the `node==` affinity. */
  readonly name: string;
  /** Grid-wide node number; daemon placement prefers the lowest. */
  readonly nodeNumber: number;
  /** Whole label strings, e.g. `az=a`, `ssd`, `region=eu`. `az=` gives the zone, `ephemeral[=…]` marks the node ephemeral. */
  readonly labels: readonly string[];
  /** `drain`: no instance may be placed here. */
  readonly availability: 'active' | 'drain';
  /** Number of CPUs the node reported. Absent counts as 0, as in Kontena. */
  readonly cpus?: number;
  /**
   * Memory in bytes, from the node's latest stats: `used` = total − free (so it includes cache and
   * buffers, as the agent reports it). Absent means unknown: a service with a memory requirement
   * cannot be placed on it (Kontena reads a missing `mem_total` as 0).
   */
  readonly memory?: {
    readonly total: number;
    readonly used: number;
    readonly cached: number;
    readonly buffers: number;
  };
  /** Names of the volume drivers (plugins) the node reported. */
  readonly volumeDrivers: readonly string[];
  /** Names of the volume instances present on the node (e.g. `web.data-1` for an instance-scoped volume). */
  readonly volumeInstances?: readonly string[];
  /**
   * What runs or is placed on the node, all services. For the service being scheduled these entries
   * only count for `container==` name matching; where its own instances are is `previous` (see
   * {@link ScheduleInput}).
   */
  readonly containers: readonly PlacedContainer[];
}

export interface PlacedContainer {
  /** `grid/stack/service`, the same as {@link SchedulingService.id}. */
  readonly serviceId: string;
  /** Stack name; `null` for the grid's default stack. */
  readonly stack: string;
  /** Service name (without stack). */
  readonly service: string;
  readonly instanceNumber: number;
  /** Container name, matched by the `container==` affinity. */
  readonly name: string;
  /** Node ports the container's service publishes (protocol and ip are ignored, as in Kontena). */
  readonly nodePorts: readonly number[];
}

/**
 * A volume mounted by the service. Only named volumes matter to scheduling: their driver must be on the
 * node (VolumePlugin filter), and an `instance`-scoped one prefers the node that already holds that
 * instance's volume (VolumeInstance filter). Bind mounts and anonymous volumes never constrain placement.
 */
export type ServiceVolume =
  | { readonly kind: 'bind'; readonly hostPath: string; readonly path: string }
  | { readonly kind: 'anonymous'; readonly path: string }
  | {
      readonly kind: 'named';
      /** Volume name as created with the volumes API. */
      readonly volume: string;
      readonly driver: string;
      readonly scope: 'instance' | 'stack' | 'grid';
      readonly path: string;
    };

export interface SchedulingService {
  /** `grid/stack/service`. */
  readonly id: string;
  readonly grid: string;
  /** Stack name; `null` for the grid's default stack. */
  readonly stack: string;
  readonly name: string;
  readonly strategy: StrategyName;
  readonly stateful: boolean;
  /** `container_count`: instances wanted (per eligible node for `daemon`). */
  readonly instances: number;
  /** Affinity strings. The caller substitutes the grid's `default_affinity` when the service has none. */
  readonly affinity: readonly string[];
  readonly ports: readonly { readonly nodePort: number }[];
  readonly cpus?: number;
  /** Bytes. */
  readonly memory?: number;
  /** Bytes; the memory requirement when `memory` is not set. */
  readonly memorySwap?: number;
  /** Peak memory usage of the service's containers over the last hour, bytes (from container stats). */
  readonly maxMemoryUsage?: number;
  readonly volumes: readonly ServiceVolume[];
  /** Container references such as `db-%s`, resolved per instance number. */
  readonly volumesFrom: readonly string[];
  /** `bridge`, `host` or `container:<name>` (`%s` allowed). */
  readonly net: string;
}

export interface ScheduleInput {
  readonly service: SchedulingService;
  /** Candidate nodes, normally the grid's connected nodes. Order matters only for tie-breaking. */
  readonly nodes: readonly SchedulingNode[];
  /**
   * Where each instance of this service currently is (instance number → node id), whether or not that
   * node is among `nodes`. Drop entries whose node was removed from the grid: Kontena nullifies them,
   * which lets a stateful instance move.
   */
  readonly previous: ReadonlyMap<number, string>;
  readonly rng: Rng;
}

export interface Placement {
  readonly instanceNumber: number;
  readonly nodeId: string;
}

/**
 * `unschedulable`: no node fits right now; may succeed when nodes or other services change.
 * `invalid_service`: the service definition itself cannot be scheduled (bad affinity); retrying will not help.
 */
export type ScheduleFailureCode = 'unschedulable' | 'invalid_service';

export type ScheduleResult =
  | { readonly ok: true; readonly instanceCount: number; readonly placements: readonly Placement[] }
  | {
      readonly ok: false;
      readonly code: ScheduleFailureCode;
      readonly instanceCount: number;
      /** The instance that could not be placed. */
      readonly instanceNumber: number;
      /** Kontena's message, e.g. `Did not find any nodes for affinity filter: label==gpu`. */
      readonly reason: string;
      /** Instances placed before the failing one (Kontena deploys those before it halts). */
      readonly placements: readonly Placement[];
    };
