import { Queue } from 'bullmq';
import { AgentJob, bullPrefix, jobIds, QUEUES } from '@libs/queues';
import { connectRedis } from '@libs/redis';
import { deletePrefix, uniquePrefix } from '@libs/testing';
import type { PlannedJob } from '../plan/plan-types';
import { AgentQueues } from './agent-queues';

/** The agent queues against real Redis and BullMQ: what a pass's jobs become, and when they are sent again. */
describe('agent queues (real Redis and BullMQ)', () => {
  const prefix = uniquePrefix('agent-queues');
  const redis = connectRedis(process.env.REDIS_URL, 'request');
  const node = 'g/n1';
  const queue = new Queue<AgentJob>(QUEUES.agent(node), { connection: redis, prefix: bullPrefix(prefix) });
  let clock = 0;
  const agents = new AgentQueues(redis, prefix, () => clock, 10_000);

  const remove = (n: number): PlannedJob => ({
    node,
    jobId: jobIds.removeInstance(`g/null/web/${n}`, 'd1'),
    job: { kind: 'remove-instance', instanceId: `g/null/web/${n}`, deployRev: 'd1', reason: 'test' },
  });
  const waiting = async () => (await queue.getJobs(['waiting'], 0, 100)).map((j) => j.id).sort();

  afterAll(async () => {
    await agents.close();
    await queue.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('sends a job once, does not send it again within the window, and sends it again after', async () => {
    await agents.send([remove(1), remove(2)]);
    expect(await waiting()).toEqual([remove(1).jobId, remove(2).jobId]);

    // Redis lost the job (say, a restart without persistence): within the window nothing is sent again...
    await queue.remove(remove(1).jobId);
    clock += 9_999;
    await agents.send([remove(1), remove(2)]);
    expect(await waiting()).toEqual([remove(2).jobId]);

    // ...and after it, the pass's next ask restores it (the other one BullMQ still knows and ignores).
    clock += 2;
    await agents.send([remove(1), remove(2)]);
    expect(await waiting()).toEqual([remove(1).jobId, remove(2).jobId]);
  });

  it('sends again at once what could not be sent', async () => {
    /** Its first add fails, as when Redis is unreachable. */
    class Flaky extends AgentQueues {
      private failed = false;
      override queue(nodeId: string): Queue<AgentJob> {
        if (this.failed) return super.queue(nodeId);
        this.failed = true;
        return {
          addBulk: () => Promise.reject(new Error('Connection is closed.')),
        } as unknown as Queue<AgentJob>;
      }
    }
    const flaky = new Flaky(redis, prefix, () => clock, 10_000);
    await expect(flaky.send([remove(3)])).rejects.toThrow('Connection is closed.');
    expect(await waiting()).not.toContain(remove(3).jobId);
    await flaky.send([remove(3)]);
    expect(await waiting()).toContain(remove(3).jobId);
    await flaky.close();
  });
});
