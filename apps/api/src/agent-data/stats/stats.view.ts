import type { InstanceStatsSample } from '@libs/read-model';
import type { RunningContainer } from './running-containers';
import type { StatsQuery, StatsSort } from './stats-query';

const traffic = (sample: InstanceStatsSample, counter: 'rx_bytes' | 'tx_bytes') =>
  sample.network ? sample.network.internal[counter] + sample.network.external[counter] : 0;

/** The number a container sorts by (`Metrics.get_container_stats`): no sample counts as 0. */
function sortValue(container: RunningContainer, sort: StatsSort): number {
  const { sample } = container;
  if (!sample) return 0;
  switch (sort) {
    case 'cpu':
      return sample.cpu.usage_pct;
    case 'memory':
      return sample.memory.usage;
    case 'rx_bytes':
    case 'tx_bytes':
      return traffic(sample, sort);
  }
}

/**
 * `{stats:[…]}` (`views/v1/stats/stats.json.jbuilder`): each running container's latest sample, sorted
 * descending by `sort` (then by name, so equal values keep one order), at most `limit`. `cpu.limit` was
 * cAdvisor's cpu-shares limit, which agents here do not measure: null.
 */
export function renderStats(containers: readonly RunningContainer[], query: StatsQuery) {
  const sorted = [...containers].sort(
    (a, b) =>
      sortValue(b, query.sort) - sortValue(a, query.sort) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return {
    stats: sorted.slice(0, query.limit ?? sorted.length).map(({ name, sample }) =>
      sample
        ? {
            container_id: name,
            cpu: { usage: sample.cpu.usage_pct, limit: null, num_cores: sample.cpu.num_cores },
            memory: { usage: sample.memory.usage, limit: sample.memory.limit },
            network: sample.network,
          }
        : { container_id: name, cpu: null, memory: null, network: null },
    ),
  };
}
