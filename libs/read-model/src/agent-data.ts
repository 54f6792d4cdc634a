/**
 * What agents report that is not an event: telemetry (DESIGN.md §5: heartbeats are not events; neither are
 * log lines or stats samples). It lives under `<prefix>agent:`, **outside** read-model generations: a
 * rebuild replays events and cannot replay telemetry, so rebuilding must never erase it. Written by the
 * reconciler's telemetry worker (and agents' heartbeats), read by the api.
 *
 * Ids: nodes `<grid>/<node>`, instances `<grid>/<stack>/<service>/<n>`, services `<grid>/<stack>/<service>`,
 * stacks `<grid>/<stack>` (the `null` stack included). Everything here is bounded: streams are capped,
 * per-minute metrics and latest samples expire (docs/telemetry.md, "Retention").
 */
export class AgentDataKeys {
  readonly root: string;

  constructor(readonly prefix: string) {
    this.root = `${prefix}agent:`;
  }

  /** Hash `<node id> → epoch ms` of each agent's last heartbeat. */
  get heartbeats(): string {
    return `${this.root}heartbeat`;
  }

  /**
   * Container log lines as a Redis Stream (field `v`: a `ContainerLogEntry` as JSON; the entry id is the
   * log id clients resume `from`), capped at `CONTAINER_LOG_CAPS[scope]`. Written once per scope so each
   * endpoint reads one stream; a line has the same id in every stream it is in.
   */
  containerLogs(scope: ContainerLogScope, id: string): string {
    return `${this.root}logs:${scope}:${id}`;
  }

  /** The last id handed to a line of the grid (`<ms>-<seq>`): every stream of a grid takes ids from it. */
  containerLogIds(grid: string): string {
    return `${this.root}logs:ids:${grid}`;
  }

  /** The latest stats sample of an instance (`InstanceStatsSample` as JSON). */
  instanceStats(instanceId: string): string {
    return `${this.root}stats:instance:${instanceId}`;
  }

  /** The latest stats sample of a node (`NodeStatsSample` as JSON). */
  nodeStats(nodeId: string): string {
    return `${this.root}stats:node:${nodeId}`;
  }

  /**
   * What `/stats` lists: a sorted set of `runningMember(instance, node)`, scored by when the node last
   * reported the instance running (epoch ms, the worker's clock). A node's report replaces its members.
   */
  runningInstances(scope: 'grid' | 'node' | 'service', id: string): string {
    return `${this.root}running:${scope}:${id}`;
  }

  /** The minutes that have metrics, as a sorted set (member and score: the minute's epoch ms); capped to a day. */
  metrics(scope: MetricsScope, id: string): string {
    return `${this.root}metrics:${scope}:${id}`;
  }

  /** One minute of metrics: a hash of `MetricsMinute` fields, incremented as samples arrive. */
  metricsMinute(scope: MetricsScope, id: string, minute: number): string {
    return `${this.root}metrics:${scope}:${id}:${minute}`;
  }

  /**
   * A service's samples on one node for one minute (`MetricsMinute`), kept only while the minute may still
   * receive samples: what turns the node's samples into the service's per-node averages.
   */
  serviceOnNodeMinute(serviceId: string, nodeId: string, minute: number): string {
    return `${this.root}metrics:open:${serviceId}|${nodeId}:${minute}`;
  }
}

export type ContainerLogScope = 'grid' | 'stack' | 'service';
export type MetricsScope = 'node' | 'service' | 'grid';

/** The stream field that holds a log line's JSON. */
export const CONTAINER_LOG_FIELD = 'v';

/**
 * Lines kept per stream (trimmed approximately, `MAXLEN ~`). A line is stored once per scope, about 500
 * bytes each: a full grid stream is some 25 MB, a service's 5 MB. Kontena kept one capped collection of
 * 1000 MB for every container (`CONTAINER_LOGS_CAPPED_SIZE`); a cap per stream keeps a chatty service from
 * pushing a quiet one's history out, and the service cap is `LIMIT_MAX`, so one page can always be filled.
 */
export const CONTAINER_LOG_CAPS: Readonly<Record<ContainerLogScope, number>> = {
  grid: 50_000,
  stack: 20_000,
  service: 10_000,
};

/** How long per-minute metrics are kept (the brief's "capped to a day"; Kontena's capped stats collections). */
export const METRICS_RETENTION_MS = 24 * 60 * 60_000;

/** How long latest samples are kept once their node stops reporting (a node's `resource_usage` shows the last one). */
export const LATEST_STATS_TTL_MS = 24 * 60 * 60_000;

/**
 * An instance counts as running for `/stats` while its node reported it within this window: three of
 * Kontena's 60 s stats intervals, so one late report does not make containers vanish.
 */
export const RUNNING_WINDOW_MS = 3 * 60_000;

/** A member of `runningInstances`: an instance as one node reported it. */
export function runningMember(instanceId: string, nodeId: string): string {
  return `${instanceId}|${nodeId}`;
}

export function parseRunningMember(member: string): { instanceId: string; nodeId: string } {
  const bar = member.lastIndexOf('|');
  return { instanceId: member.slice(0, bar), nodeId: member.slice(bar + 1) };
}

/** Kontena's container log JSON (`views/v1/container_logs/_container_log.json.jbuilder`) without its `id`. */
export interface ContainerLogEntry {
  /** The container name, `<stack>.<service>-<n>` (`<service>-<n>` in the `null` stack). */
  name: string;
  /** The container's path `<grid>/<node>/<name>` (Kontena's `Container#to_path`; its JSON had a Mongo id). */
  container_id: string;
  instance_number: number;
  service: { id: string; name: string };
  stack: { id: string; name: string };
  grid: { id: string; name: string };
  node: { name: string };
  created_at: string;
  type: 'stdout' | 'stderr';
  data: string;
}

/** Network counters and the rates since the previous sample (Kontena's agent `calculate_interface_traffic`). */
export interface NetworkTraffic {
  interfaces: string[];
  rx_bytes: number;
  rx_bytes_per_second: number;
  tx_bytes: number;
  tx_bytes_per_second: number;
}

export interface InstanceStatsSample {
  instance_id: string;
  /** The container name (what Kontena's `/stats` calls `container_id`). */
  name: string;
  service_id: string;
  node: string;
  at: string;
  cpu: { usage_pct: number; num_cores: number };
  memory: { usage: number; limit: number | null };
  /** Kontena's split: `internal` (overlay) and `external`; agents here report one set of counters, as external. */
  network: { internal: NetworkTraffic; external: NetworkTraffic } | null;
}

export interface NodeStatsSample {
  node_id: string;
  at: string;
  /** `usage_pct`: percent of the node's whole CPU, 0..100 (Kontena summed its cores' percentages instead). */
  cpu: { usage_pct: number; num_cores: number };
  memory: {
    total: number;
    used: number;
    free: number;
    active: number;
    inactive: number;
    cached: number;
    buffers: number;
  };
  load: { '1m': number; '5m': number; '15m': number };
  filesystem: { name: string; used: number; total: number } | null;
  network: { internal: NetworkTraffic; external: NetworkTraffic } | null;
  /** Seconds instances ran since the previous sample (Kontena's `usage.container_seconds`). */
  usage: { container_seconds: number };
}

/**
 * The numbers one minute of metrics adds up, as hash fields of `metricsMinute`. A node's minute holds
 * `count` samples and their sums (its average is `sum / count`); a grid's or a service's minute holds
 * `count` sources (nodes) and the sum of their averages, so the grid can average cpu across nodes and sum
 * the rest, as Kontena's aggregations did (kontena-behaviour.md §6 "Stats/metrics").
 */
export const METRIC_FIELDS = [
  'cpu.used',
  'cpu.cores',
  'memory.used',
  'memory.total',
  'memory.free',
  'memory.active',
  'memory.inactive',
  'memory.cached',
  'memory.buffers',
  'filesystem.used',
  'filesystem.total',
  'network.internal.rx_bytes',
  'network.internal.rx_bytes_per_second',
  'network.internal.tx_bytes',
  'network.internal.tx_bytes_per_second',
  'network.external.rx_bytes',
  'network.external.rx_bytes_per_second',
  'network.external.tx_bytes',
  'network.external.tx_bytes_per_second',
] as const;

export type MetricField = (typeof METRIC_FIELDS)[number];
export type MetricValues = Record<MetricField, number>;

/** The hash field counting samples (node) or sources (grid, service) of a minute. */
export const METRIC_COUNT_FIELD = 'count';

export interface MetricsMinute {
  /** The minute's start, epoch ms. */
  minute: number;
  count: number;
  sums: MetricValues;
}

export function emptyMetricValues(): MetricValues {
  return Object.fromEntries(METRIC_FIELDS.map((field) => [field, 0])) as MetricValues;
}

/** A `metricsMinute` hash as read back (`HGETALL`); `undefined` when it has expired or never existed. */
export function parseMetricsMinute(minute: number, hash: Record<string, string>): MetricsMinute | undefined {
  const count = Number(hash[METRIC_COUNT_FIELD] ?? 0);
  if (!(count > 0)) return undefined;
  const sums = emptyMetricValues();
  for (const field of METRIC_FIELDS) sums[field] = Number(hash[field] ?? 0) || 0;
  return { minute, count, sums };
}

/** One minute of `/metrics` as Kontena renders it (`views/v1/stats/metrics.json.jbuilder`). */
export interface MetricsPoint {
  timestamp: string;
  cpu: { used: number; cores: number };
  memory: {
    used: number;
    total: number;
    free: number;
    active: number;
    inactive: number;
    cached: number;
    buffers: number;
  };
  /** Absent for services (Kontena's service aggregation had none, and its view left it out). */
  filesystem?: { used: number; total: number };
  network: { internal: NetworkTraffic; external: NetworkTraffic };
}

const round = (value: number, digits = 0) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

/**
 * One stored minute as Kontena's `/metrics` shows it. A node's minute is the average of its samples; a
 * grid's averages cpu across its nodes and sums the rest ("cpu is averaged across nodes", the public API
 * reference); a service's sums over its instances, cores counted once per node (Kontena's
 * `ContainerStat.get_aggregate_stats_for_service`).
 */
export function metricsPoint(scope: MetricsScope, stored: MetricsMinute): MetricsPoint {
  const value = (field: MetricField): number => {
    const sum = stored.sums[field];
    if (scope === 'node') return sum / stored.count;
    if (scope === 'grid' && field === 'cpu.used') return sum / stored.count;
    return sum;
  };
  const traffic = (side: 'internal' | 'external'): NetworkTraffic => ({
    interfaces: [],
    rx_bytes: round(value(`network.${side}.rx_bytes`)),
    rx_bytes_per_second: round(value(`network.${side}.rx_bytes_per_second`), 2),
    tx_bytes: round(value(`network.${side}.tx_bytes`)),
    tx_bytes_per_second: round(value(`network.${side}.tx_bytes_per_second`), 2),
  });
  return {
    timestamp: new Date(stored.minute).toISOString(),
    // Kontena rounds cpu to two decimals and truncates the rest to integers (`metrics.json.jbuilder`).
    cpu: { used: round(value('cpu.used'), 2), cores: round(value('cpu.cores')) },
    memory: {
      used: round(value('memory.used')),
      total: round(value('memory.total')),
      free: round(value('memory.free')),
      active: round(value('memory.active')),
      inactive: round(value('memory.inactive')),
      cached: round(value('memory.cached')),
      buffers: round(value('memory.buffers')),
    },
    ...(scope === 'service'
      ? {}
      : { filesystem: { used: round(value('filesystem.used')), total: round(value('filesystem.total')) } }),
    network: { internal: traffic('internal'), external: traffic('external') },
  };
}
