/**
 * What agents report back. State reports (`agent-reports`) become events; telemetry (the telemetry stream,
 * `TELEMETRY_STREAM`) goes to Redis outside the read-model generations (`AgentDataKeys`).
 */

export type InstanceRuntimeState =
  'starting' | 'running' | 'stopped' | 'exited' | 'crashed' | 'restarting' | 'error' | 'removed';

export interface InstanceStateReport {
  kind: 'instance-state';
  nodeId: string;
  instanceId: string;
  deployRev: string;
  state: InstanceRuntimeState;
  /** Why it is not running, in words a person can act on (exit code, stderr tail, port never opened…). */
  error?: string | null;
  exitCode?: number | null;
  health?: 'healthy' | 'unhealthy' | null;
  /** Where the instance answers on its node: container port → host port. */
  ports?: { container_port: number; host_port: number; protocol: string }[];
  /** ISO time on the agent. */
  at: string;
  /**
   * What happened, for the event logs, when it is what led to this state (started → `running`, crashed →
   * `crashed`): the master records both as one event. Agents before this field sent it as its own report.
   */
  event?: InstanceEventFacts;
}

/** An entry for the service's event log (kontena-behaviour.md §6: `service:create_instance`, `service:instance_crash`, …). */
export interface InstanceEventFacts {
  type: string;
  severity: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** Something that happened to an instance without a state of its own to go with (a removal's event, which goes first). */
export interface InstanceEventReport extends InstanceEventFacts {
  kind: 'instance-event';
  nodeId: string;
  instanceId: string;
  at: string;
}

/**
 * Log lines of the instances on one node, in order per instance. `data` is one line without its newline;
 * the telemetry worker cuts lines longer than 16 KiB and sheds lines under load (docs/telemetry.md).
 */
export interface ContainerLogReport {
  kind: 'logs';
  nodeId: string;
  entries: { instanceId: string; stream: 'stdout' | 'stderr'; data: string; at: string }[];
}

/** Cumulative byte counters over a node's or an instance's interfaces; the worker derives the rates. */
export interface NetworkCounters {
  rx_bytes: number;
  tx_bytes: number;
}

/**
 * One stats sample of a node and of every instance it runs (Kontena sent both every 60 s). An instance
 * missing from its node's report has stopped running there. The optional fields fill more of Kontena's
 * JSON when an agent can measure them.
 */
export interface StatsReport {
  kind: 'stats';
  nodeId: string;
  at: string;
  node: {
    /** Percent of the node's whole CPU time busy since the previous sample, 0..100 (what `resource_usage` shows). */
    cpu_usage_pct: number;
    cores?: number;
    memory: {
      total: number;
      used: number;
      free: number;
      cached: number;
      buffers: number;
      active?: number;
      inactive?: number;
    };
    load: [number, number, number];
    /** The filesystem instances write to (Kontena: Docker's root dir). */
    filesystem?: { name: string; used: number; total: number } | null;
    network?: NetworkCounters | null;
  };
  instances: {
    instanceId: string;
    /** Percent of one core (may exceed 100), as `docker stats`. */
    cpu_pct: number;
    memory_bytes: number;
    memory_limit: number | null;
    network?: NetworkCounters | null;
  }[];
}

export type AgentReport = InstanceStateReport | InstanceEventReport;

/**
 * Every report one node made in one turn of its event loop, in the order it made them: an instance that starts
 * reports `running` and its `service:start_instance` event together, so one job carries both. Older agents send
 * one report per job, which the master still takes.
 */
export interface ReportBatch {
  kind: 'reports';
  nodeId: string;
  reports: AgentReport[];
}

/** A job on `agent-reports`. */
export type AgentReportJob = AgentReport | ReportBatch;

/** The reports a job on `agent-reports` carries, in order. */
export function reportsIn(job: AgentReportJob): AgentReport[] {
  return job.kind === 'reports' ? job.reports : [job];
}
export type TelemetryReport = ContainerLogReport | StatsReport;
