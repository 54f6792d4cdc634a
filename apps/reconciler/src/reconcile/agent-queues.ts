import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { AgentJob, bullPrefix, QUEUES, RETENTION } from '@libs/queues';
import type { PlannedJob } from '../plan/plan-types';

/**
 * The per-node agent queues (`agent-<grid>/<node>`). Jobs carry deterministic ids: BullMQ ignores an add whose
 * id it still knows (waiting, active or retained after finishing), so repeating a pass sends nothing twice.
 */
export class AgentQueues {
  private readonly queues = new Map<string, Queue<AgentJob>>();

  constructor(
    private readonly connection: Redis,
    private readonly redisPrefix: string,
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
    const byNode = new Map<string, PlannedJob[]>();
    for (const job of jobs) byNode.set(job.node, [...(byNode.get(job.node) ?? []), job]);
    await Promise.all(
      [...byNode].map(([node, planned]) =>
        this.queue(node).addBulk(
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
        ),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
