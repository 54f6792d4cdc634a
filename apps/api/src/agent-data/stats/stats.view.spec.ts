import type { InstanceStatsSample } from '@libs/read-model';
import type { RunningContainer } from './running-containers';
import { renderStats } from './stats.view';

const traffic = (rx: number, tx: number) => ({
  interfaces: [],
  rx_bytes: rx,
  rx_bytes_per_second: 0,
  tx_bytes: tx,
  tx_bytes_per_second: 0,
});

function container(name: string, cpu: number, memory: number, rx: number, tx: number): RunningContainer {
  const sample: InstanceStatsSample = {
    instance_id: `g/s/${name}/1`,
    name,
    service_id: `g/s/${name}`,
    node: 'node-1',
    at: '2017-01-01T12:00:00.000Z',
    cpu: { usage_pct: cpu, num_cores: 2 },
    memory: { usage: memory, limit: 1024 },
    network: { internal: traffic(rx, 0), external: traffic(1, tx) },
  };
  return { instanceId: sample.instance_id, name, sample };
}

const containers = [
  container('a', 10, 300, 5, 100),
  container('b', 50, 100, 50, 1),
  container('c', 30, 200, 500, 10),
  { instanceId: 'g/s/d/1', name: 'd', sample: undefined },
];
const order = (sort: 'cpu' | 'memory' | 'rx_bytes' | 'tx_bytes', limit?: number) =>
  renderStats(containers, { sort, limit }).stats.map((s) => s.container_id);

describe('the stats view', () => {
  it('sorts descending by what was asked, internal and external traffic added up', () => {
    expect(order('cpu')).toEqual(['b', 'c', 'a', 'd']);
    expect(order('memory')).toEqual(['a', 'c', 'b', 'd']);
    expect(order('rx_bytes')).toEqual(['c', 'b', 'a', 'd']);
    expect(order('tx_bytes')).toEqual(['a', 'c', 'b', 'd']);
  });

  it('keeps one order among equals, and takes the first `limit`', () => {
    const same = [container('y', 1, 1, 1, 1), container('x', 1, 1, 1, 1)];
    expect(renderStats(same, { sort: 'cpu' }).stats.map((s) => s.container_id)).toEqual(['x', 'y']);
    expect(order('cpu', 2)).toEqual(['b', 'c']);
  });

  it("renders Kontena's item, and nulls for a container without a sample", () => {
    const { stats } = renderStats(containers, { sort: 'cpu' });
    expect(stats[0]).toEqual({
      container_id: 'b',
      cpu: { usage: 50, limit: null, num_cores: 2 },
      memory: { usage: 100, limit: 1024 },
      network: { internal: traffic(50, 0), external: traffic(1, 1) },
    });
    expect(stats[3]).toEqual({ container_id: 'd', cpu: null, memory: null, network: null });
  });
});
