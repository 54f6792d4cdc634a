import type { Job } from 'bullmq';
import type { AgentReport, AgentReportJob, InstanceStateReport } from '@libs/queues';
import type { AggregateCommandHandler } from '@libs/eventstore';
import { connectRedis } from '@libs/redis';
import { deletePrefix, uniquePrefix } from '@libs/testing';
import { AgentQueues } from '../reconcile/agent-queues';
import { ReconcileRequests } from '../reconcile/reconcile-requests';
import { quietLogger } from '../testing/harness';
import { ReportWorker } from './report-worker';

/**
 * A job carrying several nodes' reports (real Redis and BullMQ for the queues the worker answers on; the event
 * store replaced by a recorder that can be told to fail one service's appends).
 */
describe('report worker: a batch of reports', () => {
  const prefix = uniquePrefix('reports');
  const redis = connectRedis(process.env.REDIS_URL, 'request');
  const worker = connectRedis(process.env.REDIS_URL, 'worker');
  const failing = new Set<string>();
  const recorded: { stream: string; commands: string[] }[] = [];
  const data: unknown[] = [];
  const streams = {
    handleBatch: async (
      stream: string,
      _decider: unknown,
      commands: { command: { type: string; data: unknown } }[],
    ) => {
      if ([...failing].some((service) => stream.endsWith(service)))
        throw new Error(`${stream} is unavailable`);
      recorded.push({ stream, commands: commands.map((c) => c.command.type) });
      data.push(...commands.map((c) => c.command.data));
      // Every instance placed on the node that reports it, so nothing is a stray.
      const instances = new Map(Array.from({ length: 10 }, (_, n) => [n + 1, { node: 'g/n1' }]));
      return commands.map(() => ({ events: [], state: { instances }, revision: 0n }));
    },
  } as unknown as AggregateCommandHandler;
  const reports = new ReportWorker(
    worker,
    prefix,
    streams,
    new AgentQueues(redis, prefix),
    new ReconcileRequests(redis, prefix),
    8,
    quietLogger,
  );

  const at = new Date().toISOString();
  const running = (service: string, n: number): AgentReport => ({
    kind: 'instance-state',
    nodeId: 'g/n1',
    instanceId: `g/null/${service}/${n}`,
    deployRev: 'd1',
    state: 'running',
    at,
  });
  const started = (service: string, n: number): AgentReport => ({
    kind: 'instance-event',
    nodeId: 'g/n1',
    instanceId: `g/null/${service}/${n}`,
    type: 'service:start_instance',
    severity: 'info',
    message: 'started',
    at,
  });
  const job = (data: AgentReportJob) => {
    const made = { data, updateData: jest.fn(async (next: AgentReportJob) => void (made.data = next)) };
    return made;
  };

  beforeEach(() => {
    failing.clear();
    recorded.length = 0;
    data.length = 0;
  });

  afterAll(async () => {
    await reports.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
    worker.disconnect();
  });

  it("records each service's reports in order, in one append per service", async () => {
    await reports.process(
      job({
        kind: 'reports',
        nodeId: 'g/n1',
        reports: [running('web', 1), started('web', 1), running('db', 1), started('db', 1)],
      }) as unknown as Job<AgentReportJob>,
    );
    expect(recorded.sort((a, b) => a.stream.localeCompare(b.stream))).toEqual([
      { stream: 'placement-g/null/db', commands: ['RecordInstanceReport', 'RecordInstanceEvent'] },
      { stream: 'placement-g/null/web', commands: ['RecordInstanceReport', 'RecordInstanceEvent'] },
    ]);
  });

  it("records a state and the event that came with it as one command, and an older agent's separate event as its own", async () => {
    const withEvent: AgentReport = {
      ...(running('api', 1) as InstanceStateReport),
      event: { type: 'service:start_instance', severity: 'info', message: 'service instance api-1 started' },
    };
    await reports.process(
      job({
        kind: 'reports',
        nodeId: 'g/n1',
        reports: [withEvent, running('api', 2), started('api', 2)],
      }) as unknown as Job<AgentReportJob>,
    );
    expect(recorded).toEqual([
      {
        stream: 'placement-g/null/api',
        commands: ['RecordInstanceReport', 'RecordInstanceReport', 'RecordInstanceEvent'],
      },
    ]);
    expect(data[0]).toMatchObject({
      instance_number: 1,
      state: 'running',
      instance_event: {
        type: 'service:start_instance',
        severity: 'info',
        message: 'service instance api-1 started',
      },
    });
    expect(data[1]).not.toHaveProperty('instance_event');
  });

  it('keeps only the failed reports for the retry, so no instance event is recorded twice', async () => {
    failing.add('db');
    const batch = job({
      kind: 'reports',
      nodeId: 'g/n1',
      reports: [running('web', 2), started('web', 2), running('db', 2), started('db', 2)],
    });
    await expect(reports.process(batch as unknown as Job<AgentReportJob>)).rejects.toThrow(
      'placement-g/null/db is unavailable',
    );
    expect(batch.updateData).toHaveBeenCalledTimes(1);
    expect(batch.data).toEqual({
      kind: 'reports',
      nodeId: 'g/n1',
      reports: [running('db', 2), started('db', 2)],
    });

    failing.clear();
    await reports.process(batch as unknown as Job<AgentReportJob>);
    expect(recorded.map((r) => r.stream)).toEqual(['placement-g/null/web', 'placement-g/null/db']);
  });

  it('retries a job whose reports all failed as it was', async () => {
    failing.add('web');
    const single = job(running('web', 3));
    await expect(reports.process(single as unknown as Job<AgentReportJob>)).rejects.toThrow('unavailable');
    expect(single.updateData).not.toHaveBeenCalled();
    expect(recorded).toEqual([]);
  });
});
