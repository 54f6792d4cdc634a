import { Job, Worker } from 'bullmq';
import type Redis from 'ioredis';
import {
  Actor,
  Decider,
  isDomainError,
  PlacementCommand,
  placementDecider,
  PlacementEvent,
  PlacementState,
} from '@libs/domain';
import { AggregateCommandHandler, CommandOutcome, streamName } from '@libs/eventstore';
import type { Logger } from '@libs/logging';
import {
  AgentReport,
  AgentReportJob,
  bullPrefix,
  InstanceEventReport,
  InstanceStateReport,
  jobIds,
  QUEUES,
  reportsIn,
} from '@libs/queues';
import type { AgentQueues } from '../reconcile/agent-queues';
import type { ReconcileRequests } from '../reconcile/reconcile-requests';
import { PerServiceBatches } from './per-service-batches';

/** `<grid>/<stack>/<service>/<n>` → the service and the instance number. */
export function parseInstanceId(instanceId: string): { serviceId: string; instanceNumber: number } | null {
  const slash = instanceId.lastIndexOf('/');
  const instanceNumber = Number(instanceId.slice(slash + 1));
  const serviceId = instanceId.slice(0, slash);
  if (
    slash < 0 ||
    !Number.isInteger(instanceNumber) ||
    instanceNumber < 1 ||
    serviceId.split('/').length !== 3
  )
    return null;
  return { serviceId, instanceNumber };
}

const nodeName = (nodeId: string) => nodeId.slice(nodeId.indexOf('/') + 1);

interface ParsedReport {
  report: InstanceStateReport | InstanceEventReport;
  instanceNumber: number;
}

/**
 * The placement decider as reports see it: reports about a service the reconciler never placed anything for (a
 * stray container) are no one's history, not even what its agent said happened. A removal's event may arrive
 * after the removal itself was recorded, so any placed service's events count.
 */
export const placementReportDecider: Decider<PlacementState, PlacementCommand, PlacementEvent> = {
  ...placementDecider,
  decide: (command, state, context) =>
    state.version === 0 ? [] : placementDecider.decide(command, state, context),
};

/**
 * Turns agents' reports (`agent-reports`) into events in the instance's placement stream: state changes
 * (only changes: an agent repeating itself appends nothing) and instance events for the event logs. A change
 * asks for a pass of the service, so a deploy moves on as soon as its instance runs. A node reporting an
 * instance that is not placed there (an agent that was cut off while the instance moved) is told to remove it
 * at once, instead of waiting for its next pull.
 */
export class ReportWorker {
  private readonly worker: Worker<AgentReportJob>;
  private readonly intake = new PerServiceBatches<ParsedReport>((serviceId, reports) =>
    this.record(serviceId, reports),
  );

  constructor(
    connection: Redis,
    redisPrefix: string,
    private readonly streams: AggregateCommandHandler,
    private readonly agents: AgentQueues,
    private readonly requests: ReconcileRequests,
    concurrency: number,
    private readonly logger: Logger,
  ) {
    this.worker = new Worker<AgentReportJob>(QUEUES.reports, (job) => this.process(job), {
      connection,
      prefix: bullPrefix(redisPrefix),
      concurrency,
      autorun: false,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn({ report: job?.data, err: error }, 'agent report failed'),
    );
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'report worker error'));
  }

  start(): void {
    void this.worker.run();
  }

  close(): Promise<void> {
    return this.worker.close();
  }

  /**
   * A job's reports, each in its service's next batch (one service's reports stay in order). When some fail,
   * the job keeps only those for its retry: the others are recorded, and an instance event recorded twice would
   * show twice in the event log.
   */
  async process(job: Job<AgentReportJob>): Promise<void> {
    const reports = reportsIn(job.data);
    const outcomes = await Promise.allSettled(reports.map((report) => this.take(report)));
    const failed = reports.filter((_, i) => outcomes[i].status === 'rejected');
    if (failed.length === 0) return;
    if (failed.length < reports.length)
      await job.updateData({ kind: 'reports', nodeId: failed[0].nodeId, reports: failed });
    throw (outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason;
  }

  private async take(report: AgentReport): Promise<void> {
    const instance = parseInstanceId(report.instanceId);
    if (!instance) {
      this.logger.warn({ report }, 'report for a malformed instance id ignored');
      return;
    }
    await this.intake.add(instance.serviceId, { report, instanceNumber: instance.instanceNumber });
  }

  private actor(nodeId: string): Actor {
    return { kind: 'node', nodeId, grid: nodeId.split('/')[0] };
  }

  /** The reports on one service's placement that arrived together, recorded in one append. */
  private async record(serviceId: string, reports: readonly ParsedReport[]): Promise<(Error | null)[]> {
    const stream = streamName('placement', serviceId);
    const outcomes = await this.streams.handleBatch(
      stream,
      placementReportDecider,
      reports.map(({ report, instanceNumber }) => ({
        command: this.command(report, instanceNumber),
        context: {
          now: report.kind === 'instance-state' ? new Date() : new Date(report.at),
          actor: this.actor(report.nodeId),
        },
      })),
    );
    const placed = outcomes.filter(
      (o): o is CommandOutcome<PlacementState, PlacementEvent> => !isDomainError(o),
    );
    if (placed.some((o) => o.events.length > 0)) await this.requests.request(serviceId);
    // Reports do not move instances, so the batch's last state says where each one is placed.
    const state = placed.length > 0 ? placed[placed.length - 1].state : null;
    const strays = reports
      .filter(
        ({ report: r, instanceNumber }, i) =>
          r.kind === 'instance-state' &&
          r.state !== 'removed' &&
          !isDomainError(outcomes[i]) &&
          (state === null || !this.placedOn(state, instanceNumber, r.nodeId)),
      )
      .map(({ report }) => report as InstanceStateReport);
    if (strays.length > 0) {
      await this.agents.send(
        strays.map((r) => ({
          node: r.nodeId,
          jobId: jobIds.removeInstance(r.instanceId, r.deployRev),
          job: {
            kind: 'remove-instance',
            instanceId: r.instanceId,
            deployRev: r.deployRev,
            reason: 'not placed on this node',
          },
        })),
      );
    }
    return outcomes.map((o) => (isDomainError(o) ? new Error(o.message) : null));
  }

  private command(report: AgentReport, n: number): PlacementCommand {
    if (report.kind === 'instance-state')
      return {
        type: 'RecordInstanceReport',
        data: {
          instance_number: n,
          node: report.nodeId,
          node_name: nodeName(report.nodeId),
          deploy_rev: report.deployRev,
          state: report.state,
          error: report.error ?? null,
          exit_code: report.exitCode ?? null,
          health: report.health ?? null,
          ports: report.ports ?? [],
          reported_at: report.at,
          ...(report.event && {
            instance_event: {
              type: report.event.type,
              severity: report.event.severity,
              message: report.event.message,
            },
          }),
        },
      };
    return {
      type: 'RecordInstanceEvent',
      data: {
        instance_number: n,
        node: nodeName(report.nodeId),
        type: report.type,
        severity: report.severity,
        message: report.message,
      },
    };
  }

  private placedOn(state: PlacementState, n: number, nodeId: string): boolean {
    return state.instances.get(n)?.node === nodeId;
  }
}
