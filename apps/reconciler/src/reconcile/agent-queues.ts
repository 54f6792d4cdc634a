import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { AgentJob, bullPrefix, QUEUES, RETENTION } from '@libs/queues';
import type { PlannedJob } from '../plan/plan-types';

/** How long a job sent is not sent again (see `AgentQueues`). */
export const RESEND_AFTER_MS = 10_000;

/**
 * The per-node agent queues (`agent-<grid>/<node>`). Jobs carry deterministic ids: BullMQ ignores an add whose
 * id it still knows (waiting, active or retained after finishing), so repeating a pass sends nothing twice.
 *
 * Passes are level-triggered and ask for the same jobs again while a node has not reported (a deploy's pass
 * runs after every report of the service, so an instance still starting is asked for tens of times). Each
 * ignored add still costs BullMQ's add script in Redis, so a job sent in the last `RESEND_AFTER_MS` is not
 * sent again; after that it is, in case Redis lost it (a restart without persistence).
 */
export class AgentQueues {
  private readonly queues = new Map<string, Queue<AgentJob>>();
  /** When each job was last sent, oldest first (`<node> <job id>`). */
  private readonly sentAt = new Map<string, number>();

  constructor(
    private readonly connection: Redis,
    private readonly redisPrefix: string,
    private readonly now: () => number = Date.now,
    private readonly resendAfterMs = RESEND_AFTER_MS,
  ) {}

  queue(nodeId: string): Queue<AgentJob> {
    let queue = this.queues.get(nodeId);
    if (!queue) {
      queue = new Queue<AgentJob>(QUEUES.agent(nodeId), {
        connection: this.connection,
        prefix: bullPrefix(this.redisPrefix),
      });
      this.queues.set(nodeId, queue);
    }
    return queue;
  }

  async send(jobs: readonly PlannedJob[]): Promise<void> {
    const now = this.now();
    this.forgetBefore(now - this.resendAfterMs);
    const byNode = new Map<string, PlannedJob[]>();
    for (const job of jobs) {
      const key = `${job.node} ${job.jobId}`;
      if (this.sentAt.has(key)) continue;
      this.sentAt.set(key, now);
      byNode.set(job.node, [...(byNode.get(job.node) ?? []), job]);
    }
    await Promise.all(
      [...byNode].map(([node, planned]) =>
        this.addAll(node, planned).catch((error: unknown) => {
          // Not sent: the next pass must try again.
          for (const p of planned) this.sentAt.delete(`${node} ${p.jobId}`);
          throw error;
        }),
      ),
    );
  }

  /** Entries are in the order they were sent, so the expired ones are at the front. */
  private forgetBefore(cutoff: number): void {
    for (const [key, at] of this.sentAt) {
      if (at >= cutoff) break;
      this.sentAt.delete(key);
    }
  }

  private addAll(node: string, planned: readonly PlannedJob[]) {
    return this.queue(node).addBulk(
      planned.map((p) => ({
        name: p.job.kind,
        data: p.job,
        opts: {
          jobId: p.jobId,
          ...RETENTION,
          attempts: 5,
          backoff: { type: 'exponential', delay: 1_000 },
        },
      })),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
