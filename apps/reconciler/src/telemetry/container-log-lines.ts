import type { ContainerLogReport } from '@libs/queues';
import type { ContainerLogEntry } from '@libs/read-model';
import { InstanceRef, NodeRef, parseInstanceId, parseNodeId, sameGrid } from './telemetry-ids';

/** Longer lines are cut: one line must not cost more than a page of others (the runtimes split at 16 KiB too). */
export const MAX_LINE_LENGTH = 16 * 1024;

/** Lines beyond this in one report are shed: a report is one job, and one job must stay small. */
export const MAX_LINES_PER_REPORT = 5_000;

export interface ContainerLogLine {
  instance: InstanceRef;
  entry: ContainerLogEntry;
}

export interface ContainerLogLines {
  node: NodeRef | undefined;
  lines: ContainerLogLine[];
  /** Entries refused: not an instance of the node's grid, or not a line at all. */
  refused: number;
  /** Entries beyond `MAX_LINES_PER_REPORT`. */
  shed: number;
  truncated: number;
}

/**
 * The agent's time, as Kontena's (`container_handler.rb#build_log_item`), or the arrival time when there is
 * none. A line is never later than its arrival: an agent clock running ahead cannot reorder the log, and a
 * line's id (the time it is written) is never before its `created_at`, which lets `since` bound a scan.
 */
function createdAt(at: unknown, receivedAt: Date): string {
  const ms = typeof at === 'string' ? Date.parse(at) : NaN;
  return new Date(
    Number.isFinite(ms) ? Math.min(ms, receivedAt.getTime()) : receivedAt.getTime(),
  ).toISOString();
}

/**
 * Kontena's container log JSON for each line of a report (`views/v1/container_logs/_container_log`), in the
 * report's order. Ids come from the report, so nothing is looked up: a line of an instance the control plane
 * has since removed is still kept, as Kontena kept the lines its agents sent.
 */
export function containerLogLines(report: ContainerLogReport, receivedAt: Date): ContainerLogLines {
  const node = parseNodeId(report?.nodeId);
  const entries = Array.isArray(report?.entries) ? report.entries : [];
  const out: ContainerLogLines = { node, lines: [], refused: 0, shed: 0, truncated: 0 };
  if (!node) return { ...out, refused: entries.length };

  for (const [index, line] of entries.entries()) {
    if (index >= MAX_LINES_PER_REPORT) {
      out.shed = entries.length - MAX_LINES_PER_REPORT;
      break;
    }
    const instance = parseInstanceId(line?.instanceId);
    if (
      !instance ||
      !sameGrid(node, instance) ||
      typeof line.data !== 'string' ||
      (line.stream !== 'stdout' && line.stream !== 'stderr')
    ) {
      out.refused++;
      continue;
    }
    let data = line.data;
    if (data.length > MAX_LINE_LENGTH) {
      data = data.slice(0, MAX_LINE_LENGTH);
      out.truncated++;
    }
    out.lines.push({
      instance,
      entry: {
        name: instance.containerName,
        container_id: `${node.grid}/${node.name}/${instance.containerName}`,
        instance_number: instance.number,
        service: { id: instance.serviceId, name: instance.service },
        stack: { id: instance.stackId, name: instance.stack },
        grid: { id: instance.grid, name: instance.grid },
        node: { name: node.name },
        created_at: createdAt(line.at, receivedAt),
        type: line.stream,
        data,
      },
    });
  }
  return out;
}
