import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { bullPrefix, jobIds, QUEUES, RETENTION, RETRYING } from '@libs/queues';

export interface ReconcileJobData {
  serviceId: string;
}

/**
 * "Reconcile service X" (docs/reconciliation.md): one job per service at a time. BullMQ deduplication by the
 * service's id coalesces bursts; `keepLastIfActive` keeps one more request while a pass runs (so a change seen
 * during the pass gets its own pass, and two passes of one service never run at once, in any process), and
 * `reschedule` brings a delayed request forward when something happens meanwhile.
 */
export class ReconcileRequests {
  readonly queue: Queue<ReconcileJobData>;

  constructor(connection: Redis, redisPrefix: string) {
    this.queue = new Queue<ReconcileJobData>(QUEUES.reconcile, {
      connection,
      prefix: bullPrefix(redisPrefix),
    });
  }

  async request(serviceId: string, delayMs = 0): Promise<void> {
    await this.queue.add(
      'reconcile',
      { serviceId },
      {
        deduplication: { id: jobIds.reconcile(serviceId), keepLastIfActive: true, reschedule: true },
        delay: delayMs > 0 ? delayMs : undefined,
        ...RETENTION,
        ...RETRYING,
      },
    );
  }

  async requestAll(serviceIds: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(serviceIds)].map((id) => this.request(id)));
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
