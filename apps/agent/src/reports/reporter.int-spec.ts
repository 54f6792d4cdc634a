import { Queue } from 'bullmq';
import { AgentReportJob, bullPrefix, QUEUES, reportsIn, TELEMETRY_STREAM } from '@libs/queues';
import { connectRedis } from '@libs/redis';
import { deletePrefix, uniquePrefix } from '@libs/testing';
import { Reporter } from './reporter';

/** The reporter against real Redis and BullMQ: what reaches `agent-reports`, and in how many jobs. */
describe('reporter (real Redis and BullMQ)', () => {
  const prefix = uniquePrefix('reporter');
  const redis = connectRedis(process.env.REDIS_URL, 'request');
  const queue = new Queue<AgentReportJob>(QUEUES.reports, { connection: redis, prefix: bullPrefix(prefix) });
  const reporters: Reporter[] = [];

  const reporter = (provisionalMs?: number) => {
    const made = new Reporter(redis, prefix, 'g/n1', provisionalMs);
    reporters.push(made);
    return made;
  };
  /** The jobs in the order they were added: by BullMQ's increasing id (two adds may share a millisecond). */
  const jobs = async () =>
    (await queue.getJobs(['waiting'], 0, 1_000)).sort((a, b) => Number(a.id) - Number(b.id));
  const state = (instance: number, s: 'starting' | 'running' | 'crashed') => ({
    instanceId: `g/null/web/${instance}`,
    deployRev: 'd1',
    state: s,
  });

  beforeEach(() => queue.obliterate({ force: true }));

  afterAll(async () => {
    await Promise.all(reporters.map((r) => r.close()));
    await queue.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('sends what one turn of the event loop reported as one job, in order', async () => {
    const r = reporter();
    await Promise.all([
      r.state(state(1, 'running')),
      r.event({
        instanceId: 'g/null/web/1',
        type: 'service:start_instance',
        severity: 'info',
        message: 'up',
      }),
      r.state(state(2, 'crashed')),
    ]);
    const sent = await jobs();
    expect(sent).toHaveLength(1);
    expect(sent[0].data.kind).toBe('reports');
    expect(reportsIn(sent[0].data).map((x) => [x.kind, x.instanceId])).toEqual([
      ['instance-state', 'g/null/web/1'],
      ['instance-event', 'g/null/web/1'],
      ['instance-state', 'g/null/web/2'],
    ]);
    expect(reportsIn(sent[0].data).every((x) => x.nodeId === 'g/n1')).toBe(true);
  });

  it('sends a lone report as it is, which masters of every version take', async () => {
    await reporter().state(state(3, 'running'));
    const sent = await jobs();
    expect(sent.map((j) => j.data)).toEqual([
      expect.objectContaining({ kind: 'instance-state', instanceId: 'g/null/web/3', state: 'running' }),
    ]);
  });

  it('sends reports of later turns as later jobs', async () => {
    const r = reporter();
    await r.state(state(4, 'running'));
    await r.state(state(4, 'crashed'));
    expect((await jobs()).map((j) => reportsIn(j.data).map((x) => (x as { state: string }).state))).toEqual([
      ['running'],
      ['crashed'],
    ]);
  });

  it('sends what is still in the outbox when it closes', async () => {
    const r = reporter();
    const sent = r.state(state(8, 'running'));
    await r.close();
    await sent;
    expect((await jobs()).map((j) => j.data)).toEqual([
      expect.objectContaining({ instanceId: 'g/null/web/8' }),
    ]);
  });

  describe('provisional states', () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const states = async () =>
      (await jobs()).flatMap((j) =>
        reportsIn(j.data).map((x) => `${x.instanceId} ${(x as { state?: string }).state}`),
      );

    it("never sends one that the instance's next state replaced in time", async () => {
      const r = reporter(200);
      await r.state(state(10, 'starting'), { provisional: true });
      await r.state(state(10, 'running'));
      await sleep(300);
      expect(await states()).toEqual(['g/null/web/10 running']);
    });

    it("sends one once nothing replaced it in time, and keeps other instances' apart", async () => {
      const r = reporter(100);
      await r.state(state(11, 'starting'), { provisional: true });
      await r.state(state(12, 'starting'), { provisional: true });
      await r.state(state(12, 'running'));
      expect(await states()).toEqual(['g/null/web/12 running']);
      await sleep(250);
      expect(await states()).toEqual(['g/null/web/12 running', 'g/null/web/11 starting']);
    });

    it('sends those still held when it closes', async () => {
      const r = reporter(60_000);
      await r.state(state(13, 'starting'), { provisional: true });
      await r.close();
      expect(await states()).toEqual(['g/null/web/13 starting']);
    });
  });

  describe('log lines', () => {
    const line = (n: number) => ({
      instanceId: 'g/null/web/1',
      stream: 'stdout' as const,
      data: `line ${n}`,
      at: 'x',
    });
    const sent = async () =>
      (await redis.xrange(TELEMETRY_STREAM.key(prefix), '-', '+')).map(([, fields]) => {
        const report = JSON.parse(fields[fields.indexOf(TELEMETRY_STREAM.fields.report) + 1]);
        return { node: report.nodeId, lines: report.entries.map((e: { data: string }) => e.data) };
      });

    beforeEach(() => redis.del(TELEMETRY_STREAM.key(prefix)));

    it('go out on the telemetry stream in order, at most 500 a report', async () => {
      const r = reporter();
      r.log(Array.from({ length: 1_200 }, (_, n) => line(n)));
      await r.flushLogs();
      const reports = await sent();
      expect(reports.map((report) => report.lines.length)).toEqual([500, 500, 200]);
      expect(reports.flatMap((report) => report.lines)).toEqual(
        Array.from({ length: 1_200 }, (_, n) => `line ${n}`),
      );
      expect(new Set(reports.map((report) => report.node))).toEqual(new Set(['g/n1']));
      await r.flushLogs();
      expect(await sent()).toHaveLength(3);
    });

    it('are kept, before newer ones, when they cannot be sent, and the oldest shed beyond 5,000', async () => {
      // The stream's key holding something else makes every XADD fail, as an unreachable Redis would.
      await redis.set(TELEMETRY_STREAM.key(prefix), 'not a stream');
      const r = reporter();
      r.log(Array.from({ length: 4_000 }, (_, n) => line(n)));
      await expect(r.flushLogs()).rejects.toThrow(/WRONGTYPE/);
      r.log(Array.from({ length: 2_000 }, (_, n) => line(4_000 + n)));
      expect(r.shedLines).toBe(1_000);
      await redis.del(TELEMETRY_STREAM.key(prefix));
      await r.flushLogs();
      const lines = (await sent()).flatMap((report) => report.lines);
      expect(lines).toEqual(Array.from({ length: 5_000 }, (_, n) => `line ${1_000 + n}`));
    });
  });
});
