import fc from 'fast-check';
import {
  emptyMetricValues,
  InstanceStatsSample,
  METRIC_FIELDS,
  MetricsMinute,
  metricsPoint,
  MetricValues,
} from '@libs/read-model';
import { addAverageChange, addSample, averageChange, minuteOf, serviceMetricValues } from './metrics-minutes';

const T = Date.parse('2017-01-01T12:00:00Z');

function values(overrides: Partial<MetricValues>): MetricValues {
  return { ...emptyMetricValues(), ...overrides };
}

/** What the stats recorder does in Redis, in memory: each sample into its source, the change into the grid. */
function feed(samples: { node: string; values: MetricValues }[]) {
  const nodes = new Map<string, MetricsMinute>();
  let grid: MetricsMinute | undefined;
  for (const sample of samples) {
    const after = addSample(nodes.get(sample.node), T, sample.values);
    nodes.set(sample.node, after);
    grid = addAverageChange(grid, T, averageChange(after, sample.values));
  }
  return { nodes, grid: grid! };
}

function instance(
  service: string,
  node: string,
  cpu: number,
  memory: number,
  limit: number | null,
): InstanceStatsSample {
  return {
    instance_id: `${service}/1`,
    name: 'x-1',
    service_id: service,
    node,
    at: new Date(T).toISOString(),
    cpu: { usage_pct: cpu, num_cores: 4 },
    memory: { usage: memory, limit },
    network: null,
  };
}

describe('per-minute metrics', () => {
  it('buckets samples by the minute they fall in', () => {
    expect(minuteOf(T)).toBe(T);
    expect(minuteOf(T + 59_999)).toBe(T);
    expect(minuteOf(T + 60_000)).toBe(T + 60_000);
    expect(minuteOf(T - 1)).toBe(T - 60_000);
  });

  it("averages a node's samples within a minute", () => {
    const { nodes } = feed([
      {
        node: 'a',
        values: values({ 'cpu.used': 10, 'cpu.cores': 2, 'memory.used': 100, 'filesystem.total': 1000 }),
      },
      {
        node: 'a',
        values: values({ 'cpu.used': 21, 'cpu.cores': 2, 'memory.used': 300, 'filesystem.total': 1000 }),
      },
    ]);
    const point = metricsPoint('node', nodes.get('a')!);
    expect(point.timestamp).toBe('2017-01-01T12:00:00.000Z');
    expect(point.cpu).toEqual({ used: 15.5, cores: 2 });
    expect(point.memory.used).toBe(200);
    expect(point.filesystem).toEqual({ used: 0, total: 1000 });
  });

  it('averages cpu across the nodes of a grid and sums everything else', () => {
    const { grid } = feed([
      {
        node: 'a',
        values: values({
          'cpu.used': 10,
          'cpu.cores': 2,
          'memory.used': 100,
          'network.external.rx_bytes': 5,
        }),
      },
      {
        node: 'b',
        values: values({
          'cpu.used': 50,
          'cpu.cores': 4,
          'memory.used': 1000,
          'network.external.rx_bytes': 7,
        }),
      },
      {
        node: 'a',
        values: values({
          'cpu.used': 30,
          'cpu.cores': 2,
          'memory.used': 300,
          'network.external.rx_bytes': 9,
        }),
      },
    ]);
    // Node a averages 20 % and 200 bytes over its two samples; b has one sample.
    expect(grid.count).toBe(2);
    const point = metricsPoint('grid', grid);
    expect(point.cpu).toEqual({ used: 35, cores: 6 });
    expect(point.memory.used).toBe(1200);
    expect(point.network.external.rx_bytes).toBe(14);
  });

  it("sums a service's instances, counting each node's cores once, and has no filesystem", () => {
    const perNode = [
      ...serviceMetricValues(
        [instance('g/s/web', 'a', 10, 100, 512), instance('g/s/web', 'a', 20, 200, 512)],
        4,
      ),
      ...serviceMetricValues([instance('g/s/web', 'b', 5, 50, null)], 2),
    ];
    let service: MetricsMinute | undefined;
    for (const [, sample] of perNode)
      service = addAverageChange(service, T, averageChange(addSample(undefined, T, sample), sample));
    const point = metricsPoint('service', service!);
    expect(point.cpu).toEqual({ used: 35, cores: 6 });
    expect(point.memory).toMatchObject({ used: 350, total: 1024 });
    expect(point).not.toHaveProperty('filesystem');
  });

  it('keeps services apart when a node runs several', () => {
    const byService = serviceMetricValues(
      [instance('g/s/web', 'a', 10, 100, null), instance('g/s/db', 'a', 30, 300, null)],
      8,
    );
    expect([...byService.keys()]).toEqual(['g/s/web', 'g/s/db']);
    expect(byService.get('g/s/db')).toMatchObject({ 'cpu.used': 30, 'cpu.cores': 8, 'memory.used': 300 });
  });

  it("a source's first sample adds a source; later ones only move its average", () => {
    const first = addSample(undefined, T, values({ 'cpu.used': 40 }));
    expect(averageChange(first, values({ 'cpu.used': 40 }))).toMatchObject({
      firstSample: true,
      delta: { 'cpu.used': 40 },
    });
    const second = addSample(first, T, values({ 'cpu.used': 20 }));
    expect(averageChange(second, values({ 'cpu.used': 20 }))).toMatchObject({
      firstSample: false,
      delta: { 'cpu.used': -10 },
    });
  });

  it('holds exactly the sum of per-node averages, whatever the order samples arrive in', () => {
    const sample = fc.record({
      node: fc.constantFrom('a', 'b', 'c', 'd'),
      cpu: fc.double({ min: 0, max: 800, noNaN: true }),
      memory: fc.integer({ min: 0, max: 2 ** 40 }),
    });
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 40 }), (samples) => {
        const { nodes, grid } = feed(
          samples.map((s) => ({
            node: s.node,
            values: values({ 'cpu.used': s.cpu, 'memory.used': s.memory }),
          })),
        );
        expect(grid.count).toBe(nodes.size);
        for (const field of METRIC_FIELDS) {
          const expected = [...nodes.values()].reduce((sum, n) => sum + n.sums[field] / n.count, 0);
          expect(grid.sums[field]).toBeCloseTo(expected, 0);
          expect(Math.abs(grid.sums[field] - expected)).toBeLessThanOrEqual(
            Math.max(1e-6, Math.abs(expected) * 1e-9),
          );
        }
      }),
    );
  });
});
