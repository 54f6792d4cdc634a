import type { StatsReport } from '@libs/queues';
import { instanceStatsSamples, networkTraffic, nodeStatsSample } from './stats-samples';
import { parseNodeId } from './telemetry-ids';

const node = parseNodeId('my-grid/node-1')!;
const at = '2017-01-01T12:01:00.000Z';
const report: StatsReport = {
  kind: 'stats',
  nodeId: node.id,
  at,
  node: {
    cpu_usage_pct: 150,
    cores: 4,
    memory: { total: 8000, used: 3000, free: 5000, cached: 100, buffers: 50 },
    load: [0.5, 0.4, 0.3],
    filesystem: { name: '/var/lib/docker', used: 10, total: 100 },
    network: { rx_bytes: 6000, tx_bytes: 3000 },
  },
  instances: [
    {
      instanceId: 'my-grid/web/api/1',
      cpu_pct: 12.5,
      memory_bytes: 1024,
      memory_limit: 4096,
      network: { rx_bytes: 200, tx_bytes: 100 },
    },
    { instanceId: 'my-grid/null/redis/1', cpu_pct: 1, memory_bytes: 10, memory_limit: null },
  ],
};

describe('stats samples', () => {
  it("records the node's sample in the shape its resource_usage and metrics need", () => {
    expect(nodeStatsSample(node, report, at, undefined)).toEqual({
      node_id: 'my-grid/node-1',
      at,
      cpu: { usage_pct: 150, num_cores: 4 },
      memory: { total: 8000, used: 3000, free: 5000, active: 0, inactive: 0, cached: 100, buffers: 50 },
      load: { '1m': 0.5, '5m': 0.4, '15m': 0.3 },
      filesystem: { name: '/var/lib/docker', used: 10, total: 100 },
      network: {
        internal: {
          interfaces: [],
          rx_bytes: 0,
          rx_bytes_per_second: 0,
          tx_bytes: 0,
          tx_bytes_per_second: 0,
        },
        external: {
          interfaces: [],
          rx_bytes: 6000,
          rx_bytes_per_second: 0,
          tx_bytes: 3000,
          tx_bytes_per_second: 0,
        },
      },
      usage: { container_seconds: 0 },
    });
  });

  it('derives rates and container seconds from the previous sample', () => {
    const previous = nodeStatsSample(
      node,
      {
        ...report,
        at: '2017-01-01T12:00:00.000Z',
        node: { ...report.node, network: { rx_bytes: 0, tx_bytes: 600 } },
      },
      '2017-01-01T12:00:00.000Z',
      undefined,
    );
    const sample = nodeStatsSample(node, report, at, previous);
    expect(sample.network?.external).toMatchObject({ rx_bytes_per_second: 100, tx_bytes_per_second: 40 });
    expect(sample.usage.container_seconds).toBe(120);
  });

  it('treats a counter that went down as restarted from zero', () => {
    const previous = {
      at: '2017-01-01T12:00:50.000Z',
      network: networkTraffic({ rx_bytes: 10_000, tx_bytes: 0 }, undefined, '2017-01-01T12:00:50.000Z'),
    };
    expect(networkTraffic({ rx_bytes: 500, tx_bytes: 0 }, previous, at)?.external.rx_bytes_per_second).toBe(
      50,
    );
  });

  it('fills what an agent leaves out with zeros and one core, and keeps nonsense out', () => {
    const bare = {
      kind: 'stats',
      nodeId: node.id,
      at,
      node: { cpu_usage_pct: -3, memory: { total: NaN } },
      instances: [],
    } as unknown as StatsReport;
    expect(nodeStatsSample(node, bare, at, undefined)).toMatchObject({
      cpu: { usage_pct: 0, num_cores: 1 },
      memory: { total: 0, used: 0 },
      load: { '1m': 0, '5m': 0, '15m': 0 },
      filesystem: null,
      network: null,
    });
  });

  it("samples each instance of the node's grid once, with the node's cores", () => {
    const previous = new Map([
      [
        'my-grid/web/api/1',
        {
          node: 'node-1',
          at: '2017-01-01T12:00:00.000Z',
          network: networkTraffic({ rx_bytes: 80, tx_bytes: 40 }, undefined, '2017-01-01T12:00:00.000Z'),
        } as never,
      ],
    ]);
    const { samples, refused } = instanceStatsSamples(
      node,
      {
        ...report,
        instances: [
          ...report.instances,
          { instanceId: 'other/web/api/1', cpu_pct: 1, memory_bytes: 1, memory_limit: null },
          report.instances[0],
        ],
      },
      at,
      4,
      previous,
    );
    expect(refused).toBe(2);
    expect(samples.map((s) => s.sample)).toEqual([
      {
        instance_id: 'my-grid/web/api/1',
        name: 'web.api-1',
        service_id: 'my-grid/web/api',
        node: 'node-1',
        at,
        cpu: { usage_pct: 12.5, num_cores: 4 },
        memory: { usage: 1024, limit: 4096 },
        network: {
          internal: {
            interfaces: [],
            rx_bytes: 0,
            rx_bytes_per_second: 0,
            tx_bytes: 0,
            tx_bytes_per_second: 0,
          },
          external: {
            interfaces: [],
            rx_bytes: 200,
            rx_bytes_per_second: 2,
            tx_bytes: 100,
            tx_bytes_per_second: 1,
          },
        },
      },
      expect.objectContaining({
        instance_id: 'my-grid/null/redis/1',
        name: 'redis-1',
        memory: { usage: 10, limit: null },
        network: null,
      }),
    ]);
  });

  it('starts rates over for an instance that moved from another node', () => {
    const previous = new Map([
      [
        'my-grid/web/api/1',
        {
          node: 'node-2',
          at: '2017-01-01T12:00:00.000Z',
          network: networkTraffic({ rx_bytes: 80, tx_bytes: 40 }, undefined, '2017-01-01T12:00:00.000Z'),
        } as never,
      ],
    ]);
    const { samples } = instanceStatsSamples(node, report, at, 4, previous);
    expect(samples[0].sample.network?.external.rx_bytes_per_second).toBe(0);
  });
});
