import type { NetworkCounters, StatsReport } from '@libs/queues';
import type { InstanceStatsSample, NetworkTraffic, NodeStatsSample } from '@libs/read-model';
import { InstanceRef, NodeRef, parseInstanceId, sameGrid } from './telemetry-ids';

const finite = (value: unknown, fallback = 0): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;
const nonNegative = (value: unknown): number => Math.max(0, finite(value));

const NO_TRAFFIC: NetworkTraffic = {
  interfaces: [],
  rx_bytes: 0,
  rx_bytes_per_second: 0,
  tx_bytes: 0,
  tx_bytes_per_second: 0,
};

function perSecond(current: number, previous: number | undefined, seconds: number): number {
  if (previous === undefined || !(seconds > 0)) return 0;
  // A counter that went down was reset (the instance restarted): it counted from zero since.
  const delta = current >= previous ? current - previous : current;
  return Math.round((delta / seconds) * 100) / 100;
}

/**
 * Kontena's network shape from cumulative counters: rates since the previous sample, as its agent computed
 * them (`StatsHelper#calculate_interface_traffic`). Our agents report one set of counters; they are shown
 * as `external`, and `internal` (Kontena's weave overlay) stays zero.
 */
export function networkTraffic(
  counters: NetworkCounters | null | undefined,
  previous: { network: { external: NetworkTraffic } | null; at: string } | undefined,
  at: string,
): { internal: NetworkTraffic; external: NetworkTraffic } | null {
  if (!counters) return null;
  const rx = nonNegative(counters.rx_bytes);
  const tx = nonNegative(counters.tx_bytes);
  const before = previous?.network?.external;
  const seconds = previous ? (Date.parse(at) - Date.parse(previous.at)) / 1000 : 0;
  return {
    internal: { ...NO_TRAFFIC },
    external: {
      interfaces: [],
      rx_bytes: rx,
      rx_bytes_per_second: perSecond(rx, before?.rx_bytes, seconds),
      tx_bytes: tx,
      tx_bytes_per_second: perSecond(tx, before?.tx_bytes, seconds),
    },
  };
}

/** The node's sample; `previous` is its last one (for rates and the container seconds since). */
export function nodeStatsSample(
  node: NodeRef,
  report: StatsReport,
  at: string,
  previous: NodeStatsSample | undefined,
): NodeStatsSample {
  const n = report.node ?? ({} as StatsReport['node']);
  const memory = n.memory ?? ({} as StatsReport['node']['memory']);
  const load = Array.isArray(n.load) ? n.load : [];
  const instances = Array.isArray(report.instances) ? report.instances.length : 0;
  const seconds = previous ? Math.max(0, Math.round((Date.parse(at) - Date.parse(previous.at)) / 1000)) : 0;
  const filesystem = n.filesystem;
  return {
    node_id: node.id,
    at,
    cpu: { usage_pct: nonNegative(n.cpu_usage_pct), num_cores: Math.max(1, Math.round(finite(n.cores, 1))) },
    memory: {
      total: nonNegative(memory.total),
      used: nonNegative(memory.used),
      free: nonNegative(memory.free),
      active: nonNegative(memory.active),
      inactive: nonNegative(memory.inactive),
      cached: nonNegative(memory.cached),
      buffers: nonNegative(memory.buffers),
    },
    load: { '1m': nonNegative(load[0]), '5m': nonNegative(load[1]), '15m': nonNegative(load[2]) },
    filesystem: filesystem
      ? {
          name: typeof filesystem.name === 'string' ? filesystem.name : '',
          used: nonNegative(filesystem.used),
          total: nonNegative(filesystem.total),
        }
      : null,
    network: networkTraffic(n.network, previous, at),
    usage: { container_seconds: instances * seconds },
  };
}

export interface InstanceSamples {
  samples: { instance: InstanceRef; sample: InstanceStatsSample }[];
  /** Entries that do not name an instance of the node's grid, or name one twice. */
  refused: number;
}

/** A sample per instance the node reported, in the report's order. */
export function instanceStatsSamples(
  node: NodeRef,
  report: StatsReport,
  at: string,
  numCores: number,
  previous: ReadonlyMap<string, InstanceStatsSample>,
): InstanceSamples {
  const out: InstanceSamples = { samples: [], refused: 0 };
  const seen = new Set<string>();
  for (const reported of Array.isArray(report.instances) ? report.instances : []) {
    const instance = parseInstanceId(reported?.instanceId);
    if (!instance || !sameGrid(node, instance) || seen.has(instance.id)) {
      out.refused++;
      continue;
    }
    seen.add(instance.id);
    const limit = reported.memory_limit;
    // Counters of an instance that moved here started over on this node.
    const before = previous.get(instance.id);
    out.samples.push({
      instance,
      sample: {
        instance_id: instance.id,
        name: instance.containerName,
        service_id: instance.serviceId,
        node: node.name,
        at,
        cpu: { usage_pct: nonNegative(reported.cpu_pct), num_cores: numCores },
        memory: {
          usage: nonNegative(reported.memory_bytes),
          limit: typeof limit === 'number' && Number.isFinite(limit) && limit > 0 ? limit : null,
        },
        network: networkTraffic(reported.network, before?.node === node.name ? before : undefined, at),
      },
    });
  }
  return out;
}
