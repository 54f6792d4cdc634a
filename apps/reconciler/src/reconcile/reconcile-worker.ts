import { EventStoreDBClient, NO_STREAM } from '@eventstore/db-client';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { CURRENT_SCHEMA_VERSION, streamName, toEventData } from '@libs/eventstore';
import type { Logger } from '@libs/logging';
import { bullPrefix, QUEUES } from '@libs/queues';
import { plan } from '../plan/plan';
import type { Plan, PlanInput } from '../plan/plan-types';
import { ConcurrentChange, PlanExecutor } from './plan-executor';
import type { ReconcileJobData, ReconcileRequests } from './reconcile-requests';
import type { StateLoader } from './state-loader';

/** How soon a pass put off while the read models are rebuilt looks again. */
const REBUILD_RETRY_MS = 500;

/** Passes repeated at once when another writer changed a stream the pass decided on. */
const CONFLICT_ATTEMPTS = 5;

/** Whether what a pass reads from the read models can be trusted (see `CurrentReadModels`). */
export interface ReadModelsHealth {
  readonly connectionEpoch: number;
  rebuilding(): Promise<boolean>;
}

/** What one pass did, for the job's return value and the logs. */
export interface PassSummary {
  serviceId: string;
  events: number;
  jobs: number;
  deployRequests: number;
  requeueAfterMs: number | null;
}

/**
 * Reconciles one service per job: load, plan (pure), execute, and look again later while waiting on agents.
 * A conflict repeats the pass at once on fresh state; other errors are retried by BullMQ with exponential
 * back-off (`RETRYING`); a pass that cannot be planned at all (plan() threw: the state is something the code
 * cannot handle) fails the service's current deploy with the reason and stops retrying (`UnrecoverableError`).
 */
export class ReconcileWorker {
  private readonly worker: Worker<ReconcileJobData, PassSummary>;

  constructor(
    connection: Redis,
    redisPrefix: string,
    private readonly client: EventStoreDBClient,
    private readonly loader: StateLoader,
    private readonly executor: PlanExecutor,
    private readonly requests: ReconcileRequests,
    concurrency: number,
    private readonly logger: Logger,
    private readonly readModels: ReadModelsHealth = { connectionEpoch: 0, rebuilding: async () => false },
  ) {
    this.worker = new Worker<ReconcileJobData, PassSummary>(QUEUES.reconcile, (job) => this.process(job), {
      connection,
      prefix: bullPrefix(redisPrefix),
      concurrency,
      autorun: false,
      // Passes are short (the lock is renewed while one runs): a reconciler that died holding one frees its
      // service within seconds, not BullMQ's default half minute.
      lockDuration: 10_000,
      stalledInterval: 10_000,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn(
        { serviceId: job?.data.serviceId, attempts: job?.attemptsMade, err: error },
        'reconcile pass failed',
      ),
    );
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'reconcile worker error'));
  }

  start(): void {
    void this.worker.run();
  }

  close(): Promise<void> {
    return this.worker.close();
  }

  async process(job: Job<ReconcileJobData>): Promise<PassSummary> {
    const { serviceId } = job.data;
    for (let attempt = 1; ; attempt++) {
      const now = Date.now();
      const epoch = this.readModels.connectionEpoch;
      if (await this.readModels.rebuilding()) return this.putOff(serviceId);
      const input = await this.loader.load(serviceId, now);
      // Nodes and instances missing from a half-rebuilt Redis would read as "no nodes" and fail deploys.
      if (epoch !== this.readModels.connectionEpoch || (await this.readModels.rebuilding()))
        return this.putOff(serviceId);
      let out: Plan;
      try {
        out = plan(input);
      } catch (error) {
        await this.failCurrentDeploy(input, error);
        throw new UnrecoverableError(`cannot plan ${serviceId}: ${(error as Error).message}`);
      }
      try {
        await this.executor.execute(serviceId, now, out);
      } catch (error) {
        if (error instanceof ConcurrentChange && attempt < CONFLICT_ATTEMPTS) continue;
        throw error;
      }
      if (out.requeueAfterMs !== null)
        await this.requests.request(serviceId, Math.max(50, out.requeueAfterMs));
      const summary: PassSummary = {
        serviceId,
        events:
          out.placementEvents.length +
          [...out.deployEvents.values(), ...out.stackDeployEvents.values()].reduce(
            (n, e) => n + e.events.length,
            0,
          ),
        jobs: out.jobs.length,
        deployRequests: out.deployRequests.length,
        requeueAfterMs: out.requeueAfterMs,
      };
      if (summary.events || summary.jobs || summary.deployRequests) this.logger.debug(summary, 'reconciled');
      return summary;
    }
  }

  /** Level-triggered: nothing is lost by looking again once the projector is back where it was. */
  private async putOff(serviceId: string): Promise<PassSummary> {
    await this.requests.request(serviceId, REBUILD_RETRY_MS);
    return { serviceId, events: 0, jobs: 0, deployRequests: 0, requeueAfterMs: REBUILD_RETRY_MS };
  }

  /** A deploy that cannot progress says why, instead of waiting for its timeout. */
  private async failCurrentDeploy(input: PlanInput, error: unknown): Promise<void> {
    const current = input.deploys[0];
    this.logger.error({ serviceId: input.serviceId, err: error }, 'cannot plan service');
    if (!current) return;
    const reason = `the reconciler cannot deploy ${input.serviceId}: ${(error as Error).message}`;
    const event = current.progress.started
      ? { type: 'ServiceDeployFinished', data: { state: 'error', reason } }
      : { type: 'ServiceDeployAborted', data: { reason } };
    const { version } = current.progress;
    await this.client.appendToStream(
      streamName('deploy', current.request.deploy_id),
      [
        toEventData(event, {
          actor: { kind: 'system', component: 'reconciler' },
          occurredAt: new Date().toISOString(),
          schemaVersion: CURRENT_SCHEMA_VERSION,
        }),
      ],
      { expectedRevision: version === 0 ? NO_STREAM : BigInt(version - 1) },
    );
  }
}
