import { Job, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { Actor, isDomainError, placementDecider, PlacementState } from '@libs/domain';
import { AggregateCommandHandler, streamName } from '@libs/eventstore';
import type { Logger } from '@libs/logging';
import {
  AgentReport,
  bullPrefix,
  InstanceEventReport,
  InstanceStateReport,
  jobIds,
  QUEUES,
} from '@libs/queues';
import type { AgentQueues } from '../reconcile/agent-queues';
import type { ReconcileRequests } from '../reconcile/reconcile-requests';

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

/**
 * Turns agents' reports (`agent-reports`) into events in the instance's placement stream: state changes
 * (only changes: an agent repeating itself appends nothing) and instance events for the event logs. A change
 * asks for a pass of the service, so a deploy moves on as soon as its instance runs. A node reporting an
 * instance that is not placed there (an agent that was cut off while the instance moved) is told to remove it
 * at once, instead of waiting for its next pull.
 */
export class ReportWorker {
  private readonly worker: Worker<AgentReport>;

  constructor(
    connection: Redis,
    redisPrefix: string,
    private readonly streams: AggregateCommandHandler,
    private readonly agents: AgentQueues,
    private readonly requests: ReconcileRequests,
    concurrency: number,
    private readonly logger: Logger,
  ) {
    this.worker = new Worker<AgentReport>(QUEUES.reports, (job) => this.process(job), {
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

  async process(job: Job<AgentReport>): Promise<void> {
    const report = job.data;
    const instance = parseInstanceId(report.instanceId);
    if (!instance) {
      this.logger.warn({ report }, 'report for a malformed instance id ignored');
      return;
    }
    if (report.kind === 'instance-state')
      await this.recordState(report, instance.serviceId, instance.instanceNumber);
    else await this.recordEvent(report, instance.serviceId, instance.instanceNumber);
  }

  private actor(nodeId: string): Actor {
    return { kind: 'node', nodeId, grid: nodeId.split('/')[0] };
  }

  private async recordState(report: InstanceStateReport, serviceId: string, n: number): Promise<void> {
    const stream = streamName('placement', serviceId);
    const outcome = await this.streams.handle(
      stream,
      placementDecider,
      {
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
        },
      },
      { now: new Date(), actor: this.actor(report.nodeId) },
    );
    if (isDomainError(outcome)) throw new Error(outcome.message);
    if (outcome.events.length > 0) await this.requests.request(serviceId);
    if (report.state !== 'removed' && !this.placedOn(outcome.state, n, report.nodeId)) {
      await this.agents.send([
        {
          node: report.nodeId,
          jobId: jobIds.removeInstance(report.instanceId, report.deployRev),
          job: {
            kind: 'remove-instance',
            instanceId: report.instanceId,
            deployRev: report.deployRev,
            reason: 'not placed on this node',
          },
        },
      ]);
    }
  }

  private placedOn(state: PlacementState, n: number, nodeId: string): boolean {
    return state.instances.get(n)?.node === nodeId;
  }

  private async recordEvent(report: InstanceEventReport, serviceId: string, n: number): Promise<void> {
    const stream = streamName('placement', serviceId);
    // Events of a service the reconciler never placed anything for (a stray container) are no one's history. A
    // removal's event may arrive after the removal itself was recorded, so any placed service's events count.
    const state = await this.streams.load(stream, placementDecider);
    if (state.version === 0) return;
    const outcome = await this.streams.handle(
      stream,
      placementDecider,
      {
        type: 'RecordInstanceEvent',
        data: {
          instance_number: n,
          node: nodeName(report.nodeId),
          type: report.type,
          severity: report.severity,
          message: report.message,
        },
      },
      { now: new Date(report.at), actor: this.actor(report.nodeId) },
    );
    if (isDomainError(outcome)) throw new Error(outcome.message);
  }
}
