import { EventStoreDBClient } from '@eventstore/db-client';
import type Redis from 'ioredis';
import { AggregateCache, AggregateCommandHandler, disposeClient } from '@libs/eventstore';
import type { Logger } from '@libs/logging';
import { AgentDataKeys } from '@libs/read-model';
import { connectRedis } from '@libs/redis';
import { STRATEGY_GRACE_PERIOD_MS } from '@libs/scheduler';
import type { ReconcilerConfig } from './config';
import { Dispatcher } from './dispatch/dispatcher';
import { Resync } from './dispatch/resync';
import { Lease } from './leadership/lease';
import { Liveness } from './liveness/liveness';
import type { PlanSettings } from './plan/plan-types';
import { CurrentReadModels } from './read-models';
import { AgentQueues } from './reconcile/agent-queues';
import { PlanExecutor } from './reconcile/plan-executor';
import { ReconcileRequests } from './reconcile/reconcile-requests';
import { ReconcileWorker } from './reconcile/reconcile-worker';
import { StateLoader } from './reconcile/state-loader';
import { ReportWorker } from './reports/report-worker';

export function planSettings(config: ReconcilerConfig): PlanSettings {
  const grace = config.GRACE_PERIOD_MS;
  return {
    instanceDeployTimeoutMs: config.INSTANCE_DEPLOY_TIMEOUT_MS,
    deployTimeoutMs: config.DEPLOY_TIMEOUT_MS,
    gracePeriodMs: grace >= 0 ? { ha: grace, daemon: grace, random: grace } : STRATEGY_GRACE_PERIOD_MS,
    pollMs: config.POLL_MS,
    rescheduleBackoffMs: config.RESCHEDULE_BACKOFF_MS,
    restartResendMs: 60_000,
  };
}

/**
 * The reconciler process (docs/reconciliation.md): reconcile and report workers in every process; the
 * dispatcher, the resync and node liveness on the one holding the lease.
 */
export class Reconciler {
  private readonly client: EventStoreDBClient;
  private readonly redis: Redis;
  private readonly workerConnection: Redis;
  private readonly readModels: CurrentReadModels;
  private readonly requests: ReconcileRequests;
  private readonly agents: AgentQueues;
  private readonly reconcileWorker: ReconcileWorker;
  private readonly reportWorker: ReportWorker;
  private readonly lease: Lease;

  constructor(
    private readonly config: ReconcilerConfig,
    private readonly logger: Logger,
  ) {
    this.client = EventStoreDBClient.connectionString(config.EVENTSTORE_URL);
    // Producers fail fast; workers wait for Redis forever (BullMQ: `maxRetriesPerRequest: null`).
    this.redis = connectRedis(config.REDIS_URL, 'request');
    this.workerConnection = connectRedis(config.REDIS_URL, 'worker');
    const prefix = config.REDIS_PREFIX;
    const agentData = new AgentDataKeys(prefix);
    // A cache holds one fold's state per stream: the pass folds a service's stream its own way, so the service
    // decider (the scheduler loop's deploy requests) gets a handler and cache of its own.
    const streams = new AggregateCommandHandler(this.client, new AggregateCache());
    const serviceCommands = new AggregateCommandHandler(this.client, new AggregateCache(1_000));
    this.readModels = new CurrentReadModels(this.redis, prefix);
    const reader = () => this.readModels.reader;
    this.requests = new ReconcileRequests(this.redis, prefix);
    this.agents = new AgentQueues(this.redis, prefix);

    const loader = new StateLoader(
      streams,
      reader,
      this.redis,
      agentData,
      planSettings(config),
      config.NODE_SNAPSHOT_MS,
    );
    const executor = new PlanExecutor(streams, serviceCommands, this.agents, this.requests, logger);
    this.reconcileWorker = new ReconcileWorker(
      this.workerConnection,
      prefix,
      this.client,
      loader,
      executor,
      this.requests,
      config.RECONCILE_CONCURRENCY,
      logger,
      this.readModels,
    );
    this.reportWorker = new ReportWorker(
      this.workerConnection,
      prefix,
      streams,
      this.agents,
      this.requests,
      config.REPORT_CONCURRENCY,
      logger,
    );

    const dispatcher = new Dispatcher({
      client: this.client,
      redis: this.redis,
      checkpointKey: `${prefix}reconciler:checkpoint`,
      reader,
      requests: this.requests,
      logger,
    });
    const resync = new Resync(reader, this.requests, config.RESYNC_INTERVAL_MS, logger);
    const liveness = new Liveness(
      this.redis,
      reader,
      streams,
      agentData,
      {
        offlineAfterMs: config.NODE_OFFLINE_AFTER_MS,
        intervalMs: config.LIVENESS_INTERVAL_MS,
        removeStaleAfterMs: config.STALE_NODE_REMOVE_AFTER_MS,
        staleSweepMs: config.STALE_NODE_SWEEP_MS,
      },
      logger,
    );
    this.lease = new Lease(
      this.redis,
      `${prefix}reconciler:leader`,
      config.LEASE_TTL_MS,
      {
        start: () => {
          dispatcher.start();
          resync.start();
          liveness.start();
        },
        stop: async () => {
          await Promise.all([dispatcher.stop(), resync.stop(), liveness.stop()]);
        },
      },
      logger,
    );
  }

  async start(): Promise<void> {
    await this.readModels.start();
    this.reconcileWorker.start();
    this.reportWorker.start();
    this.lease.start();
  }

  /** Workers finish the job in hand, the leader's duties end, then connections close. */
  async stop(): Promise<void> {
    await Promise.all([this.reconcileWorker.close(), this.reportWorker.close()]);
    await this.lease.stop();
    await Promise.all([this.requests.close(), this.agents.close()]);
    this.readModels.stop();
    this.redis.disconnect();
    this.workerConnection.disconnect();
    await disposeClient(this.client);
  }
}
