import {
  emptyMetricValues,
  InstanceStatsSample,
  METRIC_FIELDS,
  MetricsMinute,
  MetricValues,
  NetworkTraffic,
  NodeStatsSample,
} from '@libs/read-model';

export const MINUTE_MS = 60_000;

/** The minute a sample falls in (epoch ms of its start), by the agent's clock as Kontena bucketed `created_at`. */
export function minuteOf(atMs: number): number {
  return Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
}

function addNetwork(
  values: MetricValues,
  network: { internal: NetworkTraffic; external: NetworkTraffic } | null,
): void {
  if (!network) return;
  for (const side of ['internal', 'external'] as const) {
    for (const counter of ['rx_bytes', 'rx_bytes_per_second', 'tx_bytes', 'tx_bytes_per_second'] as const) {
      values[`network.${side}.${counter}`] += network[side][counter];
    }
  }
}

/** What one node sample adds to the node's minute (Kontena's `HostNodeStat` aggregation, one filesystem). */
export function nodeMetricValues(sample: NodeStatsSample): MetricValues {
  const values = emptyMetricValues();
  values['cpu.used'] = sample.cpu.usage_pct;
  values['cpu.cores'] = sample.cpu.num_cores;
  values['memory.used'] = sample.memory.used;
  values['memory.total'] = sample.memory.total;
  values['memory.free'] = sample.memory.free;
  values['memory.active'] = sample.memory.active;
  values['memory.inactive'] = sample.memory.inactive;
  values['memory.cached'] = sample.memory.cached;
  values['memory.buffers'] = sample.memory.buffers;
  values['filesystem.used'] = sample.filesystem?.used ?? 0;
  values['filesystem.total'] = sample.filesystem?.total ?? 0;
  addNetwork(values, sample.network);
  return values;
}

/**
 * What one node report adds to each service's minute on that node (`ContainerStat.get_aggregate_stats_for_service`):
 * cpu, memory and traffic summed over the service's instances, memory `total` the sum of their limits, and
 * the node's cores counted once however many instances run there.
 */
export function serviceMetricValues(
  samples: readonly InstanceStatsSample[],
  nodeCores: number,
): Map<string, MetricValues> {
  const byService = new Map<string, MetricValues>();
  for (const sample of samples) {
    let values = byService.get(sample.service_id);
    if (!values) {
      values = emptyMetricValues();
      values['cpu.cores'] = nodeCores;
      byService.set(sample.service_id, values);
    }
    values['cpu.used'] += sample.cpu.usage_pct;
    values['memory.used'] += sample.memory.usage;
    values['memory.total'] += sample.memory.limit ?? 0;
    addNetwork(values, sample.network);
  }
  return byService;
}

function combine(a: MetricValues, b: MetricValues, f: (x: number, y: number) => number): MetricValues {
  const out = emptyMetricValues();
  for (const field of METRIC_FIELDS) out[field] = f(a[field], b[field]);
  return out;
}

/** A source's minute after one more sample: one more in `count`, the values added to `sums`. */
export function addSample(
  minute: MetricsMinute | undefined,
  at: number,
  values: MetricValues,
): MetricsMinute {
  const before = minute ?? { minute: at, count: 0, sums: emptyMetricValues() };
  return {
    minute: before.minute,
    count: before.count + 1,
    sums: combine(before.sums, values, (x, y) => x + y),
  };
}

export interface AverageChange {
  /** How much the source's average moved. */
  delta: MetricValues;
  /** The source's first sample of the minute: one more source for the combined minute. */
  firstSample: boolean;
}

/**
 * How adding `sample` moved the source's average, given its minute **after** the sample: a combined minute
 * (grid, service) holds the sum of its sources' averages, and keeps it exact by adding each change.
 * Written this way because Redis answers increments with the new totals.
 */
export function averageChange(after: MetricsMinute, sample: MetricValues): AverageChange {
  const now = combine(after.sums, after.sums, (x) => x / after.count);
  if (after.count <= 1) return { delta: now, firstSample: true };
  const before = combine(after.sums, sample, (x, y) => (x - y) / (after.count - 1));
  return { delta: combine(now, before, (x, y) => x - y), firstSample: false };
}

/** A combined minute after one of its sources' averages moved. */
export function addAverageChange(
  minute: MetricsMinute | undefined,
  at: number,
  change: AverageChange,
): MetricsMinute {
  const before = minute ?? { minute: at, count: 0, sums: emptyMetricValues() };
  return {
    minute: before.minute,
    count: before.count + (change.firstSample ? 1 : 0),
    sums: combine(before.sums, change.delta, (x, y) => x + y),
  };
}
