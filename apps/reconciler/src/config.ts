import { IsIn, IsInt, IsString, Min } from 'class-validator';
import { validateEnv } from '@libs/config';

/** The reconciler's environment (DESIGN.md §10); a bad value stops the process with a clear message. */
export class ReconcilerConfig {
  @IsString() EVENTSTORE_URL: string = 'esdb://127.0.0.1:2113?tls=false';
  @IsString() REDIS_URL: string = 'redis://127.0.0.1:6379';
  @IsString() REDIS_PREFIX: string = 'kontena:';
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: string = 'info';

  /** Every service is reconciled at least this often, whatever the dispatcher saw (level-triggered). */
  @IsInt() @Min(1_000) RESYNC_INTERVAL_MS: number = 30_000;
  /** A node whose agent has not been heard from for this long is disconnected (Kontena's `NodeCleanupJob`: 1 min). */
  @IsInt() @Min(1_000) NODE_OFFLINE_AFTER_MS: number = 60_000;
  /** How often the liveness check looks at heartbeats. */
  @IsInt() @Min(100) LIVENESS_INTERVAL_MS: number = 5_000;
  /**
   * A disconnected node labelled `ephemeral`, not an initial member and hosting no stateful instance is removed
   * once unseen for this long (Kontena's `NodeCleanupJob`: 6 h); 0 never removes one.
   */
  @IsInt() @Min(0) STALE_NODE_REMOVE_AFTER_MS: number = 21_600_000;
  /** How often stale ephemeral nodes are looked for (Kontena: hourly). */
  @IsInt() @Min(100) STALE_NODE_SWEEP_MS: number = 3_600_000;
  /** Kontena: an instance has 300 s to report running at its deploy's revision. */
  @IsInt() @Min(1_000) INSTANCE_DEPLOY_TIMEOUT_MS: number = 300_000;
  /** Kontena: a deploy has 30 min. */
  @IsInt() @Min(1_000) DEPLOY_TIMEOUT_MS: number = 1_800_000;
  /**
   * How long an offline node still counts as hosting its instances; -1 keeps each strategy's own (Kontena's
   * `host_grace_period`: ha 2 min, daemon 10 min, random 30 s). Tests shorten it.
   */
  @IsInt() @Min(-1) GRACE_PERIOD_MS: number = -1;
  /** While a deploy waits on agents, how soon a pass looks again (reports also trigger passes). */
  @IsInt() @Min(100) POLL_MS: number = 2_000;
  /** After a deploy the scheduler loop requested failed, how long before it requests another. */
  @IsInt() @Min(0) RESCHEDULE_BACKOFF_MS: number = 60_000;
  /** How long passes share one read of a grid's nodes (0: every pass reads them). */
  @IsInt() @Min(0) NODE_SNAPSHOT_MS: number = 500;
  /** Services reconciled at once by this process. */
  @IsInt() @Min(1) RECONCILE_CONCURRENCY: number = 8;
  /** Agent reports handled at once by this process; those of one service are recorded in one append. */
  @IsInt() @Min(1) REPORT_CONCURRENCY: number = 64;
  /** The leader's lease (dispatcher, resync and liveness run on one reconciler at a time). */
  @IsInt() @Min(1_000) LEASE_TTL_MS: number = 15_000;
}

export const loadReconcilerConfig = (env: NodeJS.ProcessEnv = process.env) =>
  validateEnv(ReconcilerConfig, env);
